"""Writes for user management: adding users and giving them links to set up their sign-in."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from vschool.accounts.models import EnrolmentLink, Role, User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record

_SALT = "vschool.accounts.enrolment"


def user_create(
    *,
    by: User,
    request: HttpRequest | None,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
) -> User:
    """Add a user with no password: they choose one through their enrolment link."""
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, role=role
    )
    user.set_unusable_password()
    user.save()
    audit_record(
        user=by,
        action=AuditEntry.Action.CREATED,
        obj=user,
        request=request,
        summary=f"Added a user ({Role(role).label})",
    )
    return user


def user_set_active(*, by: User, request: HttpRequest | None, user: User, active: bool) -> None:
    """Turn a user's access off (a leaver) or on again; an inactive user cannot sign in."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        user=by,
        action=AuditEntry.Action.PERMISSION_CHANGED,
        obj=user,
        request=request,
        summary="Reactivated the user" if active else "Deactivated the user",
    )


def enrolment_link_create(*, by: User | None, request: HttpRequest | None, user: User) -> str:
    """Make a new link for `user`, replacing any unused one, and return its address.

    The address is the service's own (VSCHOOL_BASE_URL), so it works from an e-mail.
    """
    with transaction.atomic():
        EnrolmentLink.objects.filter(user=user, used_at__isnull=True).delete()
        link = EnrolmentLink.objects.create(
            user=user,
            created_by=by,
            expires_at=timezone.now() + timedelta(days=settings.VSCHOOL_ENROLMENT_LINK_DAYS),
        )
        audit_record(
            user=by,
            action=AuditEntry.Action.PERMISSION_CHANGED,
            obj=user,
            request=request,
            summary="Gave a link to set up two-factor authentication",
        )
    token = signing.dumps(link.pk, salt=_SALT)
    return settings.VSCHOOL_BASE_URL + reverse("accounts:enrol", args=[token])


def enrolment_link_send(*, by: User, request: HttpRequest | None, user: User) -> None:
    """E-mail `user` a new enrolment link."""
    address = enrolment_link_create(by=by, request=request, user=user)
    service = f"{settings.VSCHOOL_AUTHORITY_NAME} Virtual School"
    first_step = "choose a password" if not user.has_usable_password() else "enter your password"
    send_mail(
        f"Set up your sign-in to {service}",
        f"{by} has given you access to {service} as {user.get_role_display().lower()}.\n\n"
        f"To set up your sign-in, open this link within "
        f"{settings.VSCHOOL_ENROLMENT_LINK_DAYS} days:\n\n{address}\n\n"
        f"You will {first_step}, then set up an authenticator app on your phone. "
        "The link works once.\n\n"
        "If you did not expect this e-mail, tell the Virtual School and do not open the link.",
        None,
        [user.email],
    )


def enrolment_link_open(token: str) -> EnrolmentLink | None:
    """Return the link a token names if it is unused and in date; otherwise None."""
    try:
        pk = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return (
        EnrolmentLink.objects.select_related("user")
        .filter(pk=pk, used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


def enrolment_link_use(link: EnrolmentLink) -> bool:
    """Use the link up; False if it was used meanwhile (two tabs, or two people)."""
    return bool(
        EnrolmentLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )
