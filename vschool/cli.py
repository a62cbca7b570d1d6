"""The `vschool` console script: Django's management commands for this project."""

import os
import sys


def main() -> None:
    """Run a management command, e.g. `vschool migrate` or `vschool demo`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vschool.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
