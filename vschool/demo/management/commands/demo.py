"""Fill the database with the demo Virtual School (demo and debug mode only).

vschool demo [--children N] [--seed S] [--flush]
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from vschool.cohort.models import CareEpisode, Child, SchoolPlacement
from vschool.cohort.services import vacuum_tables
from vschool.demo.generator import MAX_CHILDREN, build_demo, delete_demo, no_email
from vschool.demo.users import NAMED_USERS
from vschool.peps.models import Pep


def demo_allowed() -> bool:
    """Is this a demo or debug installation? Demo users share a public password."""
    return bool(settings.DEMO_MODE or settings.DEBUG)


def sign_in_hint() -> str:
    names = [name for name, *_ in NAMED_USERS]
    return f"Sign in as {', '.join(names[:-1])} or {names[-1]} with the demo password."


class Command(BaseCommand):
    help = (
        "Build the demo Virtual School: invented schools, children, care episodes, school "
        "placements and a demo user for every role. Demo and debug mode only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--children", type=int, default=600, help="How many children to create (default 600)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed: the same seed on the same day gives the same data.",
        )
        parser.add_argument(
            "--flush", action="store_true", help="Delete every child, school and demo user first."
        )

    def handle(self, *args, children: int, seed: int, flush: bool, **options):
        if not demo_allowed():
            raise CommandError(
                "Refusing to build demo data outside demo mode: set VSCHOOL_DEMO=1 (or DEBUG=1)."
            )
        if Child.objects.exists() and not flush:
            raise CommandError(
                "The database already has children on the roll. Run `vschool demo --flush` to "
                "delete them, every school and the demo users, then build the demo."
            )
        if not 1 <= children <= MAX_CHILDREN:
            raise CommandError(f"--children must be from 1 to {MAX_CHILDREN}, not {children}.")
        started = time.perf_counter()
        with no_email(), transaction.atomic():
            if flush:
                delete_demo()
            summary = build_demo(children=children, seed=seed, today=timezone.localdate())
        vacuum_tables(Child, CareEpisode, SchoolPlacement, Pep)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Built the demo in {elapsed:.1f} s: {summary}. {sign_in_hint()}")
