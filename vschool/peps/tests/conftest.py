"""A PEP for the child at school A, and e-mail addresses for the personas it concerns."""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.peps.models import Pep


@pytest.fixture
def people(personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for role, person in personas.items():
        person.email = f"{role.value}@example.org"
        person.save(update_fields=["email"])
    return {
        "dt": personas[Role.DESIGNATED_TEACHER],
        "social": personas[Role.SOCIAL_WORKER],
        "officer": personas[Role.OFFICER],
        "head": personas[Role.HEAD],
    }


@pytest.fixture
def make_pep(roll):
    def _make(status=Pep.Status.DRAFT, child=None, due=date(2026, 3, 27), **fields):
        fields = {"pep_type": "primary", "academic_year": 2025, "term": "spring", **fields}
        return Pep.objects.create(
            child_id=(child or roll["at_a"]).pk, status=status, due_date=due, **fields
        )

    return _make
