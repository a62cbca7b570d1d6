"""The audit log: who saw or changed what, when and from where.

A bottom-layer app: it imports no other vschool app, so every app (calendar included)
can record to it. The pages that read the log belong to accounts (see docs/layers.md).
"""
