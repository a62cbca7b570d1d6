"""The demo's sign-ins, which must never work outside demo mode.

The demo (`vschool.demo`, a higher layer) names one user after each role (`head`, `dt`...)
and numbers the extra officers and social workers from 2 (`officer2`, `social14`); all
share the public demo password. The names live here so that sign-in and the system check
can refuse them without importing the demo.
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


def demo_sign_in_refused(user: User, password: str) -> bool:
    """Outside demo mode, refuse a demo user, and anyone using the demo password."""
    if settings.DEMO_MODE:
        return False
    return is_demo_username(user.username) or constant_time_compare(
        password, settings.VSCHOOL_DEMO_PASSWORD
    )
