"""The demo ends with the alerts run for its day, so the demo holds the alerts the nightly
run would have raised (and a second run raises none)."""

from datetime import date

import pytest
from django.utils import timezone

from vschool.alerts import engine
from vschool.alerts.models import Alert
from vschool.cohort.models import Child
from vschool.demo.generator import build_demo

TODAY = date(2026, 2, 10)


@pytest.mark.django_db
def test_the_demo_holds_the_alerts_of_its_day():
    build_demo(children=120, seed=3, today=TODAY)
    assert engine.run(TODAY, notify=False) == dict.fromkeys(engine.RULES, 0)
    for alert in Alert.objects.select_related("child"):
        # A suspension's task is raised the day it is recorded (the demo records them now);
        # the others by the run for the demo's day.
        recorded_now = alert.kind == Alert.Kind.EXCLUSION
        assert alert.raised_on == (timezone.localdate() if recorded_now else TODAY)
        assert alert.assigned_to_id == alert.child.education_officer_id
    assert Child.objects.exists()
