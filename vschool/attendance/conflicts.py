"""Concurrent edits of a suspension or a provision never silently overwrite each other.

Neither record has a version column; the form carries a fingerprint of the record as it was
when the form was opened (every stored field), and the service refuses to save over a
record whose fingerprint has changed since (EditConflict), so the user sees what was saved
and decides. No migration is needed for it.
"""

import hashlib

from django.db import models


class EditConflict(Exception):
    """Someone else saved the record after this form was opened."""


def fingerprint(model: type[models.Model], pk: int | None) -> str:
    """A short digest of the stored record `pk` ("" when there is none)."""
    if pk is None:
        return ""
    row = model._default_manager.filter(pk=pk).values().first()
    if row is None:
        return ""
    text = repr(sorted((key, str(value)) for key, value in row.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def check_unchanged(record: models.Model, seen: str | None) -> None:
    """Raise EditConflict when `record` is stored and no longer as the form saw it
    (`seen` None: the caller is not a form, nothing to compare)."""
    if seen is None or record.pk is None:
        return
    if fingerprint(type(record), record.pk) != seen:
        raise EditConflict
