"""Named personas for every role, and a small roll they see different parts of.

The designated teacher at school A sees the child at school A; the teacher at school B
sees nothing of it; the social worker sees only the child allocated to them.
"""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.accounts.tests.factories import UserFactory
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import (
    CareEpisodeFactory,
    ChildFactory,
    SchoolFactory,
    SchoolPlacementFactory,
)

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request, tmp_path_factory, django_db_modify_db_settings_parallel_suffix
):
    """With browser tests in the run, SQLite's test database is a file, not shared memory:
    the live server answers requests on several threads (a PEP's autosave beside its Save
    and continue), and shared-memory SQLite refuses a second writer at once ("database
    table is locked") where a file's writer waits its turn, as in a real deployment."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    browser = any("tests/browser" in str(item.fspath) for item in request.session.items)
    if browser and database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test.sqlite3"
        )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VSCHOOL_REQUIRE_2FA = False


@pytest.fixture
def personas(db):
    """One user per role, named for who they are."""
    return {
        role: UserFactory(
            username=role.value, role=role, first_name=role.label.split()[0], last_name="Persona"
        )
        for role in Role
    }


@pytest.fixture
def roll(db, personas):
    """Two schools, a child at each, one allocated to the social worker persona."""
    school_a = SchoolFactory(name="Alder Primary School", urn="100001")
    school_b = SchoolFactory(name="Birch Academy", urn="100002", la_code="202")
    school_a.designated_teachers.add(personas[Role.DESIGNATED_TEACHER])
    other_dt = UserFactory(username="dt_b", role=Role.DESIGNATED_TEACHER)
    school_b.designated_teachers.add(other_dt)
    at_a = ChildFactory(
        first_name="Amira",
        last_name="Ahmed",
        social_worker=personas[Role.SOCIAL_WORKER],
        education_officer=personas[Role.OFFICER],
    )
    at_b = ChildFactory(first_name="Ben", last_name="Brown", date_of_birth=date(2010, 9, 1))
    for child, school in ((at_a, school_a), (at_b, school_b)):
        CareEpisodeFactory(child=child)
        SchoolPlacementFactory(child=child, school=school)
    children_refresh_current()
    return {
        "school_a": school_a,
        "school_b": school_b,
        "at_a": at_a,
        "at_b": at_b,
        "other_dt": other_dt,
    }


@pytest.fixture
def login(client):
    """Sign the test client in as a persona (by session, skipping the sign-in form)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
