"""What the PEP workflow tells apps above it, which it may not import (docs/layers.md).

`pep_graded` is sent inside the transaction that approves or regrades a PEP, with the
keyword arguments pep, grade, previous_grade, user, ppplus (the QA page's PP+ decision:
{"decision": "approve" | "reduce" | "withhold", "amount": pounds (Decimal) or None,
"reason": str, "override_reason": str}, or None), request and regrade (False on approve,
True on regrade). A receiver refuses the move by raising services.PepError: everything
rolls back and the page shows the message.
"""

import django.dispatch

pep_graded = django.dispatch.Signal()

# Notes about the PP+ decision for the QA and regrade pages, from the app that decides it
# (funding appends one in its AppConfig.ready): each a callable (pep) -> list of sentences.
PPPLUS_NOTES: list = []


def ppplus_notes(pep) -> list[str]:
    """Every registered note about `pep`'s PP+ decision, in order."""
    return [note for hook in PPPLUS_NOTES for note in hook(pep)]
