"""Service name and the role's navigation, for the page frame."""

import functools

from django.conf import settings
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.alerts.selectors import open_alerts_assigned
from vschool.peps.selectors import pep_waiting_count

_STAFF = {Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.OFFICER, Role.DATA_OFFICER}

# (label, url name, roles that see it): the service navigation per role,
# limited to the pages that exist; the rest is under "Manage" on Home.
_NAVIGATION = [
    ("Home", "pages:home", None),
    ("Children", "cohort:children", _STAFF | {Role.DESIGNATED_TEACHER}),
    ("My children", "cohort:children", {Role.SOCIAL_WORKER}),
    ("Work queue", "peps:queue", {Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.OFFICER}),
    ("PEPs", "peps:queue", {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}),
    ("Alerts", "alerts:list", {Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.OFFICER}),
    ("Imports", "exchange:imports", {Role.DATA_OFFICER}),
    ("Reports", "reports:index", _STAFF | {Role.GOVERNOR}),
    (
        "Attendance",
        "attendance:dashboard",
        {Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.OFFICER},
    ),
    ("PP+", "funding:dashboard", {Role.HEAD, Role.DEPUTY, Role.DATA_OFFICER}),
    ("Audit", "accounts:audit", {Role.HEAD, Role.DEPUTY}),
]

_MANAGE = [
    ("Schools", "cohort:schools", _STAFF),
    ("Imports", "exchange:imports", {Role.HEAD, Role.DEPUTY}),
    ("Term dates", "calendar:term_dates", _STAFF),
    ("PEP deadlines", "peps:deadlines", _STAFF),
    ("Users", "accounts:users", {Role.HEAD}),
]


def manage_links(user) -> list[tuple[str, str]]:
    """The pages a role uses now and then, listed on Home rather than in the navigation."""
    return [(label, reverse(name)) for label, name, roles in _MANAGE if user.role in roles]


def navigation_for(user, path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for label, name, roles in _NAVIGATION:
        if roles is not None and user.role not in roles:
            continue
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        badge = pep_waiting_count(user) if name == "peps:queue" else 0
        if name == "alerts:list":  # counted only when a page shows the navigation
            badge = functools.cache(functools.partial(open_alerts_assigned, user))
        items.append({"label": label, "url": url, "active": active, "badge": badge})
    return items


def service(request):
    name = f"{settings.VSCHOOL_AUTHORITY_NAME} Virtual School"
    return {
        "service_name": name,
        "authority_name": f"{settings.VSCHOOL_AUTHORITY_NAME} Council",
        "demo_mode": settings.DEMO_MODE,
        "navigation": navigation_for(request.user, request.path)
        if hasattr(request, "user")
        else [],
    }
