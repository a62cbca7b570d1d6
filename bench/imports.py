"""Time `vschool import ssda903` against the DfE-rules validator on generated returns.

    .venv/bin/python bench/imports.py [--sizes 2500 80000] [--databases sqlite postgresql]

For each size the script writes a 2025-26 return of exactly that many children (the demo
built into a scratch SQLite database, care leavers given OC3 records, exported with
`ssda903_export` and cut to size), then for each database times the import into a
fresh database and a second import of the same files (nothing changes), each as its own
`vschool import` process, and times the validator (scripts/validator-903.sh) on the files.
The Markdown table goes to stdout, bench/results/imports.md and the end of the "## Imports"
section of bench/README.md.
"""

import argparse
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.pages import _postgres_server, _recreate_postgres  # noqa: E402

VSCHOOL = ROOT / ".venv" / "bin" / "vschool"
README = ROOT / "bench" / "README.md"
RESULTS = ROOT / "bench" / "results"
POSTGRES = "postgres://postgres@127.0.0.1:5432/vschool_bench_import"
YEAR = 2026  # the 2025-26 collection, checked with the validator's lac2025_26 rules
LA = "816"  # a real authority code, so the validator can place postcodes in or out of area
DEMO_PER_RETURN = 1.45  # demo children built per child wanted in the return
# The demo is known to work at 80,000 children; at 116,000 it ran out of academy URNs
# (136000-159999) and looped for ever. Larger returns repeat children under new identifiers.
DEMO_MOST = 80_000
SEED = 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 80000])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES,
        help="a database whose name contains 'bench': dropped and created",
    )
    parser.add_argument("--no-readme", action="store_true", help="do not append to README")
    parser.add_argument("--generate", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        print(json.dumps(_generate(int(args.generate[0]), Path(args.generate[1]))))
        return
    if "postgresql" in args.databases:
        _postgres_server(args.postgres_url)  # refuse a database that is not a bench one
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "return"
            made = _in_process(["--generate", str(size), str(folder)], _env(scratch))
            print(f"{size:,} children: {made}", file=sys.stderr)
            timings = {
                db: _time_imports(db, folder, scratch, args.postgres_url) for db in args.databases
            }
            checked = _time_validator(folder)
            rows.append({"size": size, "made": made, "imports": timings, "validator": checked})
    report = _report(rows, args.databases)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "imports.md").write_text(report)
    if not args.no_readme:
        _append_to_readme(report)


def _env(scratch: str, url: str | None = None) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url or f"sqlite:///{scratch}/scratch.sqlite3",
        "DJANGO_SETTINGS_MODULE": "vschool.settings",
        "VSCHOOL_DEMO": "1",
        "VSCHOOL_LA_CODE": LA,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
    }


def _in_process(arguments: list[str], env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *arguments],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def _generate(size: int, folder: Path) -> dict:
    """Build the demo, add OC3 records, export the return and keep `size` children of it."""
    import django

    django.setup()
    from django.core.management import call_command

    from vschool.demo.generator import build_demo
    from vschool.exchange.ssda903.export import ssda903_export

    call_command("migrate", verbosity=0)
    build_demo(
        children=min(round(size * DEMO_PER_RETURN), DEMO_MOST), seed=SEED, today=date(YEAR, 3, 31)
    )
    _care_leaver_records(random.Random(SEED))
    full = folder.parent / "full"
    ssda903_export(full, year=YEAR)
    return _cut(full, folder, size)


def _care_leaver_records(rng: random.Random) -> None:
    """Give demo care leavers aged 17 to 21 at 31 March an OC3 record (the demo has none)."""
    from vschool.cohort.models import CareLeaverContact, Child

    born = (date(YEAR - 22, 4, 1), date(YEAR - 17, 3, 31))
    leavers = Child.objects.filter(
        cohort_type=Child.CohortType.CARE_LEAVER, date_of_birth__range=born
    ).values_list("pk", flat=True)
    records = []
    for pk in leavers.iterator():
        in_touch = "YES" if rng.random() < 0.85 else rng.choice(["NO", "REFU", "RHOM"])
        activity = (
            rng.choice(["F2", "P2", "F5", "P5", "G4", "G5", "G6"]) if in_touch == "YES" else "0"
        )
        accommodation = (
            rng.choice(["B1", "C1", "D1", "E1", "S1", "S2"]) if in_touch == "YES" else "0"
        )
        records.append(
            CareLeaverContact(
                child_id=pk,
                collection_year=YEAR,
                in_touch=in_touch,
                activity=activity,
                accommodation=accommodation,
            )
        )
    CareLeaverContact.objects.bulk_create(records, batch_size=2000)


def _cut(full: Path, folder: Path, size: int) -> dict:
    """Copy the return with the first `size` children of the header; when it has fewer,
    repeat children from the start with a digit added to CHILD. Count rows per file."""
    tables = {}
    for name in ("header", "episodes", "uasc", "oc3"):
        with open(full / f"{name}.csv", encoding="utf-8", newline="") as handle:
            tables[name] = list(csv.reader(handle))
    children = [row[0] for row in tables["header"][1:]]
    ids_by_child: dict[str, list[str]] = {}
    for n in range(size):
        child, copy = children[n % len(children)], n // len(children)
        ids_by_child.setdefault(child, []).append(f"{child}{copy}" if copy else child)
    folder.mkdir(parents=True)
    counts = {}
    for name, (columns, *rows) in tables.items():
        out = [[new, *row[1:]] for row in rows for new in ids_by_child.get(row[0], [])]
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows([columns, *out])
        counts[name] = len(out)
    counts["repeated"] = max(0, size - len(children))
    return counts


def _time_imports(database: str, folder: Path, scratch: str, postgres_url: str) -> dict:
    """Import into a fresh database, then again; time each `vschool import` process."""
    url = postgres_url if database == "postgresql" else f"sqlite:///{scratch}/import.sqlite3"
    if database == "postgresql":
        _recreate_postgres(url, create=True)
    env = _env(scratch, url)
    try:
        subprocess.run([VSCHOOL, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        first, summary = _timed_import(folder, env)
        again, unchanged = _timed_import(folder, env)
        label = _database_label(env)
    finally:
        if database == "postgresql":
            _recreate_postgres(url, create=False)
        else:
            Path(scratch, "import.sqlite3").unlink(missing_ok=True)
    print(
        f"  {label}: {first:.1f} s ({summary}); again {again:.1f} s ({unchanged})", file=sys.stderr
    )
    if not unchanged.startswith("No changes"):
        raise SystemExit(f"The second import changed something: {unchanged}")
    return {"database": label, "import_s": first, "reimport_s": again, "summary": summary}


def _timed_import(folder: Path, env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [VSCHOOL, "import", "ssda903", str(folder)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"The import failed:\n{done.stdout}{done.stderr[-3000:]}")
    return seconds, done.stdout.strip().splitlines()[-1]


def _database_label(env: dict) -> str:
    query = (
        "from django.db import connection as c; cur = c.cursor(); "
        "cur.execute('SELECT sqlite_version()' if c.vendor == 'sqlite' "
        "else 'SHOW server_version'); "
        "print(('SQLite ' if c.vendor == 'sqlite' else 'PostgreSQL ') "
        "+ cur.fetchone()[0].split()[0])"
    )
    done = subprocess.run(
        [VSCHOOL, "shell", "-c", query],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def _time_validator(folder: Path) -> dict:
    from vschool.exchange.validator import validate_903

    result = validate_903(folder, year=YEAR, la_code=LA)
    print(f"  validator: {result.seconds:.1f} s, {result.total:,} findings", file=sys.stderr)
    return {"seconds": result.seconds, "findings": result.total, "counts": result.counts}


def _report(rows: list[dict], databases: list[str]) -> str:
    labels = {db: rows[0]["imports"][db]["database"] for db in databases}
    head = ["Children", "Episodes"]
    for db in databases:
        head += [f"Import, {labels[db]}", f"Re-import, {labels[db]}"]
    head += ["Validator 0.1.17", "Validator findings"]
    lines = [
        f"{date.today():%Y-%m-%d}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; wall time of each process in seconds:",
        "",
        "| " + " | ".join(head) + " |",
        "|" + " ---: |" * len(head),
    ]
    for row in rows:
        cells = [f"{row['size']:,}", f"{row['made']['episodes']:,}"]
        for db in databases:
            cells += [
                f"{row['imports'][db]['import_s']:.1f}",
                f"{row['imports'][db]['reimport_s']:.1f}",
            ]
        cells += [f"{row['validator']['seconds']:.1f}", f"{row['validator']['findings']:,}"]
        lines.append("| " + " | ".join(cells) + " |")
    for row in rows:
        top = sorted(row["validator"]["counts"].items(), key=lambda item: -item[1])[:6]
        lines.append(
            f"\nValidator findings at {row['size']:,}, most frequent rules: "
            + ", ".join(f"{code} ({n:,})" for code, n in top)
            + "."
        )
    return "\n".join(lines) + "\n"


def _append_to_readme(report: str) -> None:
    """Add the table at the end of the "## Imports" section (made if missing)."""
    text = README.read_text()
    if "\n## Imports\n" not in text:
        text = text.rstrip("\n") + "\n\n## Imports\n"
    start = text.index("\n## Imports\n") + 1
    end = text.find("\n## ", start + 1)
    end = len(text) if end == -1 else end + 1
    section = text[start:end].rstrip("\n") + "\n\n" + report
    README.write_text(text[:start] + section + ("\n" + text[end:] if end < len(text) else ""))


if __name__ == "__main__":
    main()
