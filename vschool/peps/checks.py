"""System checks for the PEP settings."""

from django.conf import settings
from django.core.checks import Error, register

from vschool.peps.rules import DayUnit


@register()
def check_initial_pep_unit(app_configs, **kwargs):
    if settings.VSCHOOL_INITIAL_PEP_UNIT not in set(DayUnit):
        return [
            Error(
                f"VSCHOOL_INITIAL_PEP_UNIT is {settings.VSCHOOL_INITIAL_PEP_UNIT!r}.",
                hint="Use working_days (the statutory default) or school_days.",
                id="vschool.E002",
            )
        ]
    return []
