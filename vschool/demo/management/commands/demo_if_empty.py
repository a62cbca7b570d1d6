"""Build the default demo when the roll is empty, as `./run` does on a first start."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from vschool.cohort.models import Child
from vschool.demo.generator import build_demo
from vschool.demo.management.commands.demo import demo_allowed, sign_in_hint


class Command(BaseCommand):
    help = "Build the default demo (600 children, seed 1) if there are no children yet."

    def handle(self, *args, **options):
        if not demo_allowed():
            self.stdout.write("Not in demo or debug mode: no demo data loaded.")
            return
        if Child.objects.exists():
            self.stdout.write("The roll already has children: demo data left as it is.")
            return
        started = time.perf_counter()
        summary = build_demo(today=timezone.localdate())
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Built the demo in {elapsed:.1f} s: {summary}. {sign_in_hint()}")
