"""Caching and Permissions-Policy headers on what a person sees, and the health check."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from vschool.accounts.models import Role

ROOT = Path(__file__).resolve().parents[3]


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_childs_page_is_never_stored(login, personas, roll):
    response = login(personas[Role.HEAD]).get(f"/children/{roll['at_a'].pk}/")
    assert response.status_code == 200
    assert "Amira" in response.content.decode()
    assert _no_store(response)
    assert "camera=()" in response["Permissions-Policy"]


def test_a_download_is_never_stored(login, personas, roll):
    response = login(personas[Role.HEAD]).get("/children/?format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert _no_store(response)
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_sign_in_page_has_the_permissions_policy(client, db):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert "microphone=()" in response["Permissions-Policy"]


def test_static_files_keep_their_caching(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert not _no_store(response)
    assert "camera=()" in response["Permissions-Policy"]


def test_health_answers_by_address_over_http_without_sign_in_or_2fa(settings, personas):
    """A probe gets "ok" where a person would be redirected to HTTPS, sign-in or 2FA."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["vschool.example.org"]
    settings.VSCHOOL_REQUIRE_2FA = True
    client = Client()
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    client.force_login(personas[Role.HEAD], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert _no_store(response)
    page = client.get("/", HTTP_HOST="vschool.example.org")
    assert page.status_code == 301  # the same client on a page: sent to HTTPS first


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    """A database file in a folder that does not exist cannot be opened."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}",
        "VSCHOOL_DEMO": "1",
    }
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode().strip())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "vschool.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "503 database unavailable"
