"""What `./run` tells people about the demo, and where its e-mails point (#10)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from vschool.demo.users import NAMED_USERS

ROOT = Path(__file__).resolve().parents[3]


def test_the_start_up_message_names_every_demo_sign_in():
    serving = next(line for line in (ROOT / "run").read_text().splitlines() if "Serving on" in line)
    named = re.search(r"sign in as ([^;]+);", serving)
    assert named, serving
    listed = re.split(r", | or ", named.group(1))
    assert listed == [username for username, *_ in NAMED_USERS]


def test_e_mail_links_follow_port_when_no_base_url_is_set():
    """`./run` serves on PORT; the links in the PEP e-mails must go there too."""
    env = {k: v for k, v in os.environ.items() if k != "VSCHOOL_BASE_URL"}
    env.update(PORT="8123", VSCHOOL_DEMO="1", DJANGO_SETTINGS_MODULE="vschool.settings")
    read = "import django; django.setup(); from django.conf import settings; "
    shown = subprocess.run(
        [sys.executable, "-c", read + "print(settings.VSCHOOL_BASE_URL)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "http://127.0.0.1:8123"
    assert 'runserver --noreload "127.0.0.1:${PORT:-8000}"' in (ROOT / "run").read_text()
