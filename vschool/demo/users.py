"""Demo sign-ins: one user per role, plus the extra officers and social workers of a real team."""

import random

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from vschool.accounts.models import Role, User
from vschool.demo.children import ETHNICITY
from vschool.demo.draw import weighted
from vschool.demo.names import person_name

# (username, role, first name, last name): the sign-ins the demo advertises. Each username
# is its role's value, and the extras are officer2..., social2...: the names
# vschool.accounts.demo_accounts refuses outside demo mode.
NAMED_USERS = (
    ("head", Role.HEAD, "Helen", "Marsh"),
    ("deputy", Role.DEPUTY, "Imran", "Hussain"),
    ("coordinator", Role.COORDINATOR, "Claire", "Donnelly"),
    ("officer", Role.OFFICER, "Daniel", "Price"),
    ("data", Role.DATA_OFFICER, "Priya", "Sharma"),
    ("dt", Role.DESIGNATED_TEACHER, "Grace", "Adeyemi"),
    ("social", Role.SOCIAL_WORKER, "Tom", "Whitfield"),
    ("governor", Role.GOVERNOR, "Margaret", "Ellis"),
)


def users_create(
    rng: random.Random, *, officers: int, social_workers: int, password: str, authority: str
) -> dict[str, User]:
    """Create (or reset) the demo users and return them by username.

    The password is hashed once and shared, so a large team costs one slow hash; it
    skips the password validators on purpose, as the demo password is public anyway.
    """
    people = list(NAMED_USERS)
    for prefix, role, count in (
        ("officer", Role.OFFICER, officers),
        ("social", Role.SOCIAL_WORKER, social_workers),
    ):
        for number in range(2, count + 2):
            sex = rng.choice("MF")
            first, last = person_name(rng, sex, weighted(rng, ETHNICITY))
            people.append((f"{prefix}{number}", role, first, last))
    encoded = make_password(password)
    domain = f"{slugify(authority) or 'demo'}.example.org"
    existing = {
        user.username: user
        for user in User.objects.filter(username__in=[name for name, *_ in people])
    }
    users, new = {}, []
    for username, role, first, last in people:
        user = existing.get(username) or User(username=username)
        user.role, user.first_name, user.last_name = role, first, last
        user.email = f"{slugify(first)}.{slugify(last)}@{domain}"
        user.password, user.is_active = encoded, True
        users[username] = user
        if user.pk is None:
            new.append(user)
    User.objects.bulk_create(new)
    User.objects.bulk_update(
        [user for user in users.values() if user.username in existing],
        ["role", "first_name", "last_name", "email", "password", "is_active"],
    )
    return users
