"""TOTP two-factor authentication with recovery codes, built on django-otp.

A user has at most one confirmed authenticator app (a TOTPDevice) and one set of recovery
codes (a StaticDevice whose tokens are used up one by one). Setting up again replaces both.
"""

import math
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import qrcode
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from vschool.accounts.models import User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record

RECOVERY_CODE_COUNT = 10
HAS_APP_SESSION_KEY = "two_factor_has_app"
# Set when the session was opened through an enrolment link (accounts.views.enrol).
ENROLLING_SESSION_KEY = "two_factor_enrolling"
WRONG_CODE = "The code is not correct or has expired"
WRONG_RECOVERY_CODE = "The recovery code is not correct or has already been used"


@dataclass(frozen=True)
class TwoFactorStatus:
    set_up: bool
    recovery_codes_left: int


def status(user: User) -> TwoFactorStatus:
    """Say whether `user` has a confirmed app and how many recovery codes are left (2 queries)."""
    return TwoFactorStatus(
        set_up=has_app(user),
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )


def has_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remember_app_at_sign_in(request: HttpRequest) -> None:
    """Note in the session whether the user has an app, so pages need not query it each time."""
    request.session[HAS_APP_SESSION_KEY] = has_app(request.user)


def start_enrolment(request: HttpRequest) -> None:
    """Let this session set up an app: it came through an enrolment link and a password."""
    request.session[ENROLLING_SESSION_KEY] = True


def enrolling(request: HttpRequest) -> bool:
    return bool(request.session.get(ENROLLING_SESSION_KEY))


def pending_app(user: User) -> TOTPDevice:
    """Return the app being set up, creating it once so the QR code survives a page reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """Return the secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """Draw the app's otpauth:// address as inline SVG, so the secret is never put in a URL."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage)
    image.get_image().attrib.update(
        {
            "width": "200",
            "height": "200",
            "role": "img",
            "focusable": "false",
            "aria-label": "QR code to scan with your authenticator app",
        }
    )
    # The markup is built by qrcode from the URL's bits; no user text reaches it as markup.
    return mark_safe(image.to_string(encoding="unicode"))


def confirm_app(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm `device` with a code from the app, replacing any older app and recovery codes.

    Marks the session as verified and returns the new recovery codes: the only time anyone
    sees them.
    """
    user = request.user
    if not _accepts(user, device, code):
        raise ValidationError(WRONG_CODE, code="wrong_code")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        codes = _new_recovery_codes(user)
        request.session.pop(ENROLLING_SESSION_KEY, None)
        audit_record(
            user=user,
            action=AuditEntry.Action.PERMISSION_CHANGED,
            obj=device,
            request=request,
            summary="Set up two-factor authentication",
        )
    django_otp.login(request, device)
    return codes


def check_code(*, request: HttpRequest, code: str) -> None:
    """Verify the session with a code from the user's app; a wrong code is audited."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None or not _accepts(request.user, device, code):
        _audit_failure(request, "Entered a wrong two-factor code")
        raise ValidationError(WRONG_CODE, code="wrong_code")
    django_otp.login(request, device)


def check_recovery_code(*, request: HttpRequest, code: str) -> int:
    """Verify the session with a recovery code, using it up; return how many are left."""
    device = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None or not _accepts(request.user, device, code):
        _audit_failure(request, "Entered a wrong recovery code")
        raise ValidationError(WRONG_RECOVERY_CODE, code="wrong_code")
    django_otp.login(request, device)
    left = device.token_set.count()
    audit_record(
        user=request.user,
        action=AuditEntry.Action.SIGNED_IN,
        obj=device,
        request=request,
        summary=f"Used a recovery code ({left} left)",
    )
    return left


def _accepts(user: User, device: Device, code: str) -> bool:
    """Check `code`, saying how long to wait while django-otp slows down repeated guesses.

    django_otp.verify_token locks the device row, so two guesses at once both count.
    """
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        until = (detail or {}).get("locked_until")
        seconds = math.ceil((until - timezone.now()).total_seconds()) if until else 60
        raise ValidationError(
            f"You entered a wrong code too many times. Wait {max(seconds, 1)} "
            f"second{'s' if seconds > 1 else ''}, then try again",
            code="throttled",
        )
    return django_otp.verify_token(user, device.persistent_id, code) is not None


def _new_recovery_codes(user: User) -> list[str]:
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


def _audit_failure(request: HttpRequest, summary: str) -> None:
    audit_record(
        user=request.user, action=AuditEntry.Action.SIGN_IN_FAILED, request=request, summary=summary
    )
