"""A pytest plugin loaded before Django's settings (`-p tests.environment` in pyproject.toml).

Tests talk plain HTTP to the test client and the live server, so HTTPS redirects are
off; the security middleware reads them once, when the server starts.
"""

import os

os.environ.setdefault("VSCHOOL_HTTPS", "0")
# Background tasks run at once, inside the test, through django-tasks' immediate backend.
os.environ.setdefault("VSCHOOL_TASKS_IMMEDIATE", "1")
