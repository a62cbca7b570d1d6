"""System checks for settings that are unsafe outside demo and debug use."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def check_secret_key(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.INSECURE_SECRET_KEY and not (
        settings.DEMO_MODE or settings.DEBUG
    ):
        return [
            Error(
                "SECRET_KEY is the insecure demo key.",
                hint="Set the SECRET_KEY environment variable to a long random value, "
                "or set VSCHOOL_DEMO=1 for a demonstration.",
                id="vschool.E001",
            )
        ]
    return []
