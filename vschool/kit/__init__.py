"""The GOV.UK Design System kit: forms and widgets, pagination, template tags and the
component templates they render; and the one writer of CSV and Excel files. It imports no
other vschool app (see docs/layers.md)."""
