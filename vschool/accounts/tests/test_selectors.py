"""audit_entries_filtered: the audit log's one query."""

from datetime import UTC, date, datetime

import time_machine

from vschool.accounts.selectors import audit_entries_filtered
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record


def entry_at(moment: datetime, username: str, **kwargs) -> AuditEntry:
    with time_machine.travel(moment, tick=False):
        return audit_record(user=None, username=username, action=AuditEntry.Action.VIEWED, **kwargs)


def test_dates_are_whole_days_in_uk_time(db):
    """00:30 on 1 July in London is 23:30 on 30 June in UTC; it belongs to 1 July."""
    entry_at(datetime(2026, 6, 30, 22, 59, tzinfo=UTC), "june")
    entry_at(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "july")
    july = audit_entries_filtered({"date_from": date(2026, 7, 1)})
    june = audit_entries_filtered({"date_to": date(2026, 6, 30)})
    assert [e.username for e in july] == ["july"]
    assert [e.username for e in june] == ["june"]


def test_empty_filters_return_everything_newest_first(db):
    entry_at(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "older")
    entry_at(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), "newer")
    params = {"user": "", "child": None, "action": "", "date_from": None, "date_to": None}
    assert [e.username for e in audit_entries_filtered(params)] == ["newer", "older"]


def test_the_child_filter_matches_the_child_id(db):
    entry_at(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "about 12", child_id=12)
    entry_at(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "about 120", child_id=120)
    assert [e.username for e in audit_entries_filtered({"child": 12})] == ["about 12"]
