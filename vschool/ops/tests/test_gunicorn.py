"""The production way to serve: gunicorn with the production settings, behind a proxy.

Starts gunicorn on a free port against a migrated SQLite file, with static files collected,
HTTPS on and one allowed host, as docs/deploy.md sets it up, then stops it.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HOST = "vschool.example.org"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A production gunicorn on a free port; yields the port."""
    folder = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("VSCHOOL_", "DEBUG", "DJANGO_"))
        },
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "SECRET_KEY": "a-test-key-long-and-random-enough-for-the-checks-0123456789",
        "ALLOWED_HOSTS": HOST,
        "STATIC_ROOT": str(folder / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    for command in (
        ["check", "--deploy", "--fail-level", "WARNING"],
        ["migrate", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    log = open(folder / "gunicorn.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:vschool.ops.gunicorn_config"]
        + ["vschool.wsgi"],
        cwd=folder,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/healthz").status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"gunicorn did not start:\n{log.read()}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_the_health_check_answers_by_address_over_http(server):
    response = _get(server, "/healthz")
    assert (response.status, response.body) == (200, b"ok\n")


def test_sign_in_is_served_over_https_only(server):
    response = _get(server, "/sign-in/", Host=HOST, **{"X-Forwarded-Proto": "https"})
    assert response.status == 200
    assert b"Sign in" in response.body
    assert "max-age=31536000; includeSubDomains" in response.getheader("Strict-Transport-Security")
    plain = _get(server, "/sign-in/", Host=HOST)
    assert plain.status == 301
    assert plain.getheader("Location") == f"https://{HOST}/sign-in/"


def test_static_files_are_hashed_compressed_and_cached_for_a_year(server):
    page = _get(server, "/sign-in/", Host=HOST, **{"X-Forwarded-Proto": "https"})
    stylesheet = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.body)
    assert stylesheet, "the page links the hashed stylesheet"
    response = _get(
        server,
        stylesheet.group(1).decode(),
        Host=HOST,
        **{"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"},
    )
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "max-age=315360000" in response.getheader("Cache-Control")
