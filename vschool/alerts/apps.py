from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "vschool.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from vschool.alerts.engine import on_exclusion_recorded
        from vschool.attendance.signals import exclusion_recorded

        # A suspension or permanent exclusion raises its task the day it is recorded.
        exclusion_recorded.connect(
            on_exclusion_recorded, dispatch_uid="alerts.engine.on_exclusion_recorded"
        )
