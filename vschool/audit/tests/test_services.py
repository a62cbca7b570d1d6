"""Where an audit entry says an action came from."""

import pytest
from django.test import RequestFactory

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_work_done_after_the_request_records_the_address_it_was_asked_from():
    """A background import has no request: it passes the uploader's address on."""
    entry = audit_record(user=None, action=AuditEntry.Action.IMPORTED, ip_address="10.0.0.7")
    assert entry.ip_address == "10.0.0.7"


def test_a_request_gives_its_own_address():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    entry = audit_record(user=None, action=AuditEntry.Action.CHANGED, request=request)
    assert entry.ip_address == "192.0.2.1"
    assert audit_record(user=None, action=AuditEntry.Action.CHANGED).ip_address is None
