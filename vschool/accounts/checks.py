"""System checks for settings and accounts that are unsafe outside demo (and debug) use."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from vschool.accounts.demo_accounts import demo_users


@register(Tags.security, deploy=False)
def check_secret_key(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.INSECURE_SECRET_KEY and not (
        settings.DEMO_MODE or settings.DEBUG
    ):
        return [
            Error(
                "SECRET_KEY is the insecure demo key.",
                hint="Set the SECRET_KEY environment variable to a long random value, "
                "or set VSCHOOL_DEMO=1 for a demonstration.",
                id="vschool.E001",
            )
        ]
    return []


@register(Tags.security)
def check_no_demo_users(app_configs, **kwargs):
    """Demo users share a public password: outside demo mode their being active is an error."""
    if settings.DEMO_MODE:
        return []
    active = demo_users().filter(is_active=True).order_by("username")
    try:
        count = active.count()
        names = list(active.values_list("username", flat=True)[:5])
    except DatabaseError:
        return []  # no tables yet (before `migrate`): so no users either
    if not count:
        return []
    more = f" and {count - len(names)} more" if count > len(names) else ""
    return [
        Error(
            f"Demonstration users are active outside demo mode: {', '.join(names)}{more}.",
            hint="Their password is public. Deactivate them: vschool shell -c "
            '"from vschool.accounts.demo_accounts import demo_users; '
            'demo_users().update(is_active=False)"; or set VSCHOOL_DEMO=1 if this is a '
            "demonstration.",
            id="vschool.E002",
        )
    ]
