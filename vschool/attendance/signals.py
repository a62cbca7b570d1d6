"""What the attendance app tells the apps above it (alerts), which it may not import."""

from django.dispatch import Signal

# Sent once a suspension or permanent exclusion is saved, with `exclusion` (the saved
# Exclusion) and `request` (or None): the alerts app raises the same-day task from it.
exclusion_recorded = Signal()
