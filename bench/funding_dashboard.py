"""Time the PP+ dashboard (selectors, page, CSV) and the impact report on a fresh demo
database with a year of PP+ recorded.

    .venv/bin/python bench/funding_dashboard.py [--size 80000] [--database-url URL]
        [--requests 20]

Runs in its own process, because settings read DATABASE_URL when Django starts: the
PostgreSQL database at the URL (default postgres://postgres@127.0.0.1:5432/
vschool_bench_funding, dropped and created through psycopg; its name must contain "bench"),
or a temporary SQLite file with `--database-url sqlite`. It builds the demo (seed 1), then
records this financial year's PP+ with bulk writes where the demo has none: the grant, an
allocation for each completed PEP of the year's terms (one in five withheld), direct
spending for one child in ten in care, budget lines and spending, adjustments, and a
confirmed payment run holding half the approved allocations. It times
funding.dashboard.dashboard, /funding/ for the head and for a governor, /funding/dashboard.csv
and /funding/impact/, and prints a Markdown table (median and p95 in ms, queries).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import _database_label, _postgres_server, _QueryTimer, _recreate_postgres  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/vschool_bench_funding"
WARM_UP = 2
STRANDS = ["one_to_one", "reading", "feedback", "mentoring", "phonics", "metacognition"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=80_000)
    parser.add_argument("--database-url", default=POSTGRES, help="a bench PostgreSQL, or sqlite")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.size, args.requests)))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url
        if url == "sqlite":
            url = f"sqlite:///{folder}/bench.sqlite3"
        else:
            _postgres_server(url)  # refuse a database that is not a bench one
        result = _run(args.size, url, args.requests)
    print(
        f"{date.today().isoformat()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"{result['database']}, {result['size']:,} children, {result['allocations']:,} "
        f"allocations, {result['spends']:,} direct spends; PP+ recorded in "
        f"{result['record_s']} s. Median / p95 of {args.requests} after {WARM_UP} warm-up, "
        "in ms, and queries:\n"
    )
    print("| What | Median | p95 | Queries | Slowest query |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in result["timings"]:
        print(
            f"| {row['name']} | {row['median_ms']} | {row['p95_ms']} | {row['queries']} "
            f"| {row['slowest_query_ms']} |"
        )


def _run(size: int, url: str, requests: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "vschool.settings",
        "VSCHOOL_DEMO": "1",
        "VSCHOOL_REQUIRE_2FA": "0",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
    }
    print(f"Benchmarking {size} children on {url.split(':')[0]}...", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, __file__, "--one", "--size", str(size), "--requests", str(requests)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def _record_pp_plus(year: int) -> tuple[int, int]:
    """This financial year's PP+, written in bulk where the demo wrote none."""
    from vschool.cohort.models import Child, School
    from vschool.funding.models import (
        Adjustment,
        Allocation,
        BudgetLine,
        DirectSpend,
        Grant,
        PaymentLine,
        PaymentRun,
        Spend,
    )
    from vschool.funding.rules import financial_year_of_term
    from vschool.peps.models import Pep

    Grant.objects.get_or_create(financial_year=year, defaults={"rate_pence": 257000})
    peps = (
        Pep.objects.completed()
        .filter(allocation__isnull=True)
        .filter(academic_year__in=(year - 1, year))
        .select_related("child")
        .order_by("pk")
    )
    new = []
    for i, pep in enumerate(peps.iterator(chunk_size=5000)):
        if financial_year_of_term(pep.academic_year, pep.term) != year:
            continue
        withheld = i % 5 == 4
        amount = 20000 + (i % 40) * 1000
        new.append(
            Allocation(
                pep=pep,
                child=pep.child,
                school_id=pep.child.current_school_id,
                financial_year=year,
                academic_year=pep.academic_year,
                term=pep.term,
                requested_pence=amount,
                amount_pence=0 if withheld else amount,
                status="withheld" if withheld else "approved",
                reason="Below the grade" if withheld else "",
                withheld_for_grade=withheld,
                eef_strand=STRANDS[i % len(STRANDS)],
                targets=[{"n": 1, "area": "Reading", "target": "Read a chapter book"}],
            )
        )
    Allocation.objects.bulk_create(new, batch_size=5000)
    first = date(year, 4, 1)
    in_care = Child.objects.filter(in_care=True).order_by("pk").values_list("pk", flat=True)
    spends = [
        DirectSpend(
            child_id=pk,
            financial_year=year,
            date=first + timedelta(days=i % 360),
            amount_pence=5000 + i % 100,
            description="Laptop",
            eef_strand=STRANDS[i % len(STRANDS)],
        )
        for i, pk in enumerate(in_care[::10])
    ]
    DirectSpend.objects.bulk_create(spends, batch_size=5000)
    for i, (category, budget) in enumerate(
        [("staff", 30_000_000), ("training", 2_000_000), ("psychology", 5_000_000)]
    ):
        line = BudgetLine.objects.create(
            financial_year=year, category=category, name=f"Line {i}", budget_pence=budget
        )
        Spend.objects.bulk_create(
            Spend(line=line, date=first, amount_pence=10000, description="Spend") for _ in range(50)
        )
    schools = list(School.objects.order_by("pk").values_list("pk", flat=True)[:200])
    Adjustment.objects.bulk_create(
        Adjustment(school_id=pk, financial_year=year, amount_pence=500, reason="Correction")
        for pk in schools
    )
    run = PaymentRun.objects.create(
        reference=f"BENCH-{year}",
        financial_year=year,
        academic_year=year,
        term="autumn",
        status="confirmed",
    )
    approved = Allocation.objects.filter(financial_year=year, status="approved", paid_run=None)
    paid = list(
        approved.exclude(school=None)
        .order_by("pk")
        .values("pk", "school_id", "child_id", "amount_pence")[::2]
    )
    PaymentLine.objects.bulk_create(
        (
            PaymentLine(
                run=run,
                school_id=a["school_id"],
                child_id=a["child_id"],
                allocation_id=a["pk"],
                financial_year=year,
                amount_pence=a["amount_pence"],
                description="PEP",
            )
            for a in paid
        ),
        batch_size=5000,
    )
    Allocation.objects.filter(pk__in=[a["pk"] for a in paid]).update(paid_run=run)
    return Allocation.objects.filter(financial_year=year).count(), len(spends)


def _measure(size: int, requests: int) -> dict:
    """Create the database, build the demo and PP+, time the dashboard (child process)."""
    url = os.environ["DATABASE_URL"]
    postgres = url.startswith("postgres")
    if postgres:
        _recreate_postgres(url, create=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.utils import timezone

    from vschool.accounts.models import User
    from vschool.calendar.rules import financial_year_label, financial_year_start
    from vschool.calendar.selectors import term_on
    from vschool.cohort.models import CareEpisode, Child, SchoolPlacement
    from vschool.cohort.services import vacuum_tables
    from vschool.demo.generator import build_demo
    from vschool.funding import dashboard as figures
    from vschool.funding.models import Allocation, DirectSpend, PaymentLine
    from vschool.peps.models import Pep

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    build_demo(children=size, seed=1, today=today)
    year = financial_year_start(today)
    started = time.perf_counter()
    allocations, spends = _record_pp_plus(year)
    recorded = time.perf_counter() - started
    vacuum_tables(Child, CareEpisode, SchoolPlacement, Pep, Allocation, DirectSpend, PaymentLine)
    academic_year, term = term_on(today)

    def client(username: str) -> Client:
        c = Client()
        c.force_login(
            User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
        )
        return c

    head, governor = client("head"), client("governor")
    label = financial_year_label(year)

    def get(c: Client, address: str):
        def call():
            response = c.get(address)
            if response.status_code != 200:
                raise RuntimeError(f"{address} answered {response.status_code}")
            if response.streaming:
                b"".join(response.streaming_content)

        return call

    timed = [
        (
            "funding.dashboard.dashboard (selectors)",
            lambda: figures.dashboard(year, (academic_year, term.term.value)),
        ),
        ("`/funding/` (head)", get(head, f"/funding/?year={label}")),
        ("`/funding/` (governor)", get(governor, f"/funding/?year={label}")),
        ("`/funding/dashboard.csv` (head)", get(head, f"/funding/dashboard.csv?year={label}")),
        ("`/funding/impact/` (head)", get(head, "/funding/impact/")),
    ]
    timings = []
    for name, call in timed:
        for _ in range(WARM_UP):
            call()
        samples = []
        for _ in range(requests):
            begun = time.perf_counter()
            call()
            samples.append((time.perf_counter() - begun) * 1000)
        queries = _QueryTimer()
        with connection.execute_wrapper(queries):
            call()
        samples.sort()
        timings.append(
            {
                "name": name,
                "median_ms": round(statistics.median(samples), 1),
                "p95_ms": round(samples[math.ceil(0.95 * len(samples)) - 1], 1),
                "queries": len(queries.timings),
                "slowest_query_ms": round(max(queries.timings)[0], 1),
            }
        )
    result = {
        "size": size,
        "database": _database_label(connection),
        "allocations": allocations,
        "spends": spends,
        "record_s": round(recorded, 1),
        "timings": timings,
    }
    connections.close_all()
    if postgres:
        _recreate_postgres(url, create=False)
    return result


if __name__ == "__main__":
    main()
