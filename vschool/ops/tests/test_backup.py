"""Back up a demo database, restore it into a fresh one and compare every table.

The commands run as an operator runs them, each in its own process, on the engine the
suite runs on: temporary SQLite files, or scratch PostgreSQL databases beside the test one.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.db.utils import ConnectionHandler

ROOT = Path(__file__).resolve().parents[3]


def _vschool(url: str, *arguments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "VSCHOOL_DEMO": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _digest(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of its rows, in an order that ignores storage."""
    handler = ConnectionHandler({"default": dj_database_url.parse(url)})
    connection = handler["default"]
    try:
        result = {}
        with connection.cursor() as cursor:
            for table in sorted(connection.introspection.table_names(cursor)):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                rows = sorted(repr(row) for row in cursor.fetchall())
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
                result[table] = (len(rows), digest)
        return result
    finally:
        connection.close()


@pytest.fixture
def databases(tmp_path):
    """URLs of a source and a target database, both empty, removed afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'target.db'}"
        return
    config = dj_database_url.parse(base)
    names = [f"{config['NAME']}_backup_source", f"{config['NAME']}_backup_target"]
    admin = psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    for name in names:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(base.rsplit("/", 1)[0] + "/" + name for name in names)
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_backup_restores_every_table_as_it_was(databases, tmp_path, django_db_blocker):
    source, target = databases
    backup_file = tmp_path / "vschool.backup"
    for arguments in (["migrate", "-v0"], ["demo", "--children", "40", "--seed", "1"]):
        assert _vschool(source, *arguments).returncode == 0
    made = _vschool(source, "backup", str(backup_file))
    assert made.returncode == 0, made.stderr
    assert backup_file.stat().st_mode & 0o077 == 0  # the owner's only

    restored = _vschool(target, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    with django_db_blocker.unblock():
        before, after = _digest(source), _digest(target)
    assert before["cohort_child"][0] == 40
    assert after == before

    # The source changes; restoring over it needs --force and brings the backup back.
    assert _vschool(source, "demo", "--flush", "--children", "5", "--seed", "2").returncode == 0
    refused = _vschool(source, "restore", str(backup_file))
    assert refused.returncode != 0
    assert "not empty" in refused.stderr
    with django_db_blocker.unblock():
        assert _digest(source)["cohort_child"][0] == 5
    forced = _vschool(source, "restore", "--force", str(backup_file))
    assert forced.returncode == 0, forced.stderr
    with django_db_blocker.unblock():
        assert _digest(source) == before


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    result = _vschool(f"sqlite:///{tmp_path / 'empty.db'}", "restore", str(not_a_backup))
    assert result.returncode != 0
    assert "neither an SQLite database nor a pg_dump custom archive" in result.stderr
