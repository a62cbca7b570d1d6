"""The demo's sign-ins, which must never work outside demo mode.

The demo (`vschool.demo`, a higher layer) names one user after each role (`head`, `dt`...)
and numbers the extra officers and social workers from 2 (`officer2`, `social14`); all
share the public demo password. The names and the password are checked here so that
sign-in and the system check can refuse them without importing the demo.
"""

import re

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.crypto import constant_time_compare

from vschool.accounts.models import Role, User

EXTRA_DEMO_USERNAME = re.compile(r"(officer|social)[0-9]+")


def is_demo_username(username: str) -> bool:
    return username in Role.values or EXTRA_DEMO_USERNAME.fullmatch(username) is not None


def demo_users() -> QuerySet[User]:
    """Return the users the demo creates: one named after each role, and officer2..., social2...."""
    return User.objects.filter(
        Q(username__in=Role.values) | Q(username__regex=f"^{EXTRA_DEMO_USERNAME.pattern}$")
    )


def demo_password_refused(password: str) -> bool:
    """Outside demo mode, refuse the public demo password, whoever uses it.

    Every demo user has it, so this refuses them at sign-in; the names alone are checked
    at start-up (`accounts.checks`), as a real user may share one in tests or elsewhere.
    """
    return not settings.DEMO_MODE and constant_time_compare(
        password, settings.VSCHOOL_DEMO_PASSWORD
    )
