"""Time a PP+ payment run (build, confirm, its pages and files) on a fresh demo database.

    .venv/bin/python bench/funding_run.py [--size 80000] [--database-url URL] [--sqlite-only]

Each database runs in its own process, because settings read DATABASE_URL when Django
starts: a temporary SQLite file, then PostgreSQL at the URL (default
postgres://postgres@127.0.0.1:5432/vschool_bench_funding, dropped and created through
psycopg; its name must contain "bench"). Each builds the demo (seed 1) and gives every
approved PEP without one an approved PP+ allocation to the child's school. It then builds
the run for the current term (every earlier term's allocations are caught up), cancelling
and building again to time it, confirms it, and times the run page, the runs page, the
largest school's remittance (PDF and CSV), the finance export and the ledger's year
totals, signed in as `data`. The Markdown table goes to stdout. Figures, not a test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import _database_label, _postgres_server, _recreate_postgres  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/vschool_bench_funding"
RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=80_000)
    parser.add_argument("--database-url", default=POSTGRES)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.size)))
        return
    urls = []
    if not args.sqlite_only:
        _postgres_server(args.database_url)  # refuse a database that is not a bench one
        urls.append(args.database_url)
    with tempfile.TemporaryDirectory() as folder:
        runs = [_run(args.size, url) for url in [f"sqlite:///{folder}/bench.sqlite3", *urls]]
    print(
        f"{date.today().isoformat()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"median of {RUNS} runs after one warm-up, in seconds (confirm: once):\n"
    )
    print(
        "| Database | Children | Allocations | Lines | Schools | Total | Build | Confirm | "
        "Run page (queries) | Runs page | Remittance PDF (lines) | Remittance CSV | "
        "Finance CSV | Year totals |"
    )
    print(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    for r in runs:
        print(
            f"| {r['database']} | {r['size']:,} | {r['allocations']:,} | {r['lines']:,} | "
            f"{r['schools']:,} | {r['total']} | {r['build_s']} | {r['confirm_s']} | "
            f"{r['page_s']} ({r['page_queries']}) | {r['runs_s']} | "
            f"{r['pdf_s']} ({r['pdf_lines']}) | {r['csv_s']} | {r['finance_s']} | "
            f"{r['totals_s']} |"
        )


def _run(size: int, url: str) -> dict:
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
        [sys.executable, __file__, "--one", "--size", str(size)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def _median(call) -> float:
    call()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def _allocate_approved_peps() -> int:
    """An approved allocation for every approved PEP without one, to the child's school."""
    from vschool.funding.models import Allocation
    from vschool.funding.rules import financial_year_of_term
    from vschool.peps.models import Pep

    peps = (
        Pep.objects.filter(status=Pep.Status.APPROVED, allocation__isnull=True)
        .select_related("child")
        .only("pk", "academic_year", "term", "child_id", "child__current_school_id")
        .order_by("pk")
    )
    strands = ["one_to_one", "reading", "mentoring", "small_group", "oral_language"]
    made = [
        Allocation(
            pep=pep,
            child_id=pep.child_id,
            school_id=pep.child.current_school_id,
            financial_year=financial_year_of_term(pep.academic_year, pep.term),
            academic_year=pep.academic_year,
            term=pep.term,
            requested_pence=30000 + (pep.pk % 50) * 1001,
            amount_pence=30000 + (pep.pk % 50) * 1001,
            status=Allocation.Status.APPROVED,
            eef_strand=strands[pep.pk % len(strands)],
        )
        for pep in peps.iterator(chunk_size=2000)
    ]
    Allocation.objects.bulk_create(made, batch_size=2000)
    return len(made)


def _measure(size: int) -> dict:
    """Create the database, build the demo, time the run (runs in the child process)."""
    url = os.environ["DATABASE_URL"]
    postgres = url.startswith("postgres")
    if postgres:
        _recreate_postgres(url, create=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from vschool.accounts.models import User
    from vschool.calendar.selectors import term_on
    from vschool.demo.generator import build_demo
    from vschool.funding import ledger
    from vschool.funding.models import PaymentLine, PaymentRun
    from vschool.funding.rules import pounds
    from vschool.funding.runs import build_run, cancel_run, confirm_run

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    build_demo(children=size, seed=1, today=today)
    allocations = _allocate_approved_peps()
    year, period = term_on(today)
    user = User.objects.get(username="data")
    for draft in PaymentRun.objects.filter(status=PaymentRun.Status.DRAFT):
        cancel_run(draft, user=user, reason="Benchmark: the demo's draft, built again below")
    built = []

    def build():
        if built:
            cancel_run(built[-1], user=user, reason="Benchmark: built again")
        built.append(build_run(academic_year=year, term=period.term.value, user=user))

    build_s = _median(build)
    run = built[-1]
    started = time.perf_counter()
    confirm_run(run, user=user)
    confirm_s = round(time.perf_counter() - started, 3)

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)

    largest = (
        PaymentLine.objects.filter(run=run)
        .values("school_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    page = reverse("funding:run", args=[run.pk])
    queries = []
    with connection.execute_wrapper(lambda run, sql, *args: queries.append(sql) or run(sql, *args)):
        get(page)
    lines = PaymentLine.objects.filter(run=run)
    result = {
        "size": size,
        "database": _database_label(connection),
        "allocations": allocations,
        "lines": lines.count(),
        "schools": lines.values("school_id").distinct().count(),
        "total": pounds(ledger.year_totals(run.financial_year).paid_to_schools_pence),
        "build_s": build_s,
        "confirm_s": confirm_s,
        "page_s": _median(lambda: get(page)),
        "page_queries": len(queries),
        "runs_s": _median(lambda: get(reverse("funding:runs"))),
        "pdf_lines": largest["n"],
        "pdf_s": _median(
            lambda: get(reverse("funding:remittance_pdf", args=[run.pk, largest["school_id"]]))
        ),
        "csv_s": _median(
            lambda: get(reverse("funding:remittance_csv", args=[run.pk, largest["school_id"]]))
        ),
        "finance_s": _median(lambda: get(reverse("funding:finance_csv", args=[run.pk]))),
        "totals_s": _median(lambda: ledger.year_totals(run.financial_year)),
    }
    connections.close_all()
    if postgres:
        _recreate_postgres(url, create=False)
    return result


if __name__ == "__main__":
    main()
