"""Take the README's screenshots from a running demo (./run), with Debian's Chromium.

Usage: .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] [outdir] [--home]

--home takes only each role's Home (home-<role>.png, docs/home.md).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

_ARGV = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
BASE = _ARGV[0] if _ARGV else "http://127.0.0.1:8000"
OUT = Path(_ARGV[1] if len(_ARGV) > 1 else "docs/screenshots")
HOME_ONLY = "--home" in sys.argv
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sign_in(page, username: str) -> None:
    page.goto(f"{BASE}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Continue").click()


# Each role's Home (docs/home.md): (demo username, file).
HOMES = [
    ("head", "home-head.png"),
    ("officer", "home-officer.png"),
    ("data", "home-data-officer.png"),
    ("dt", "home-designated-teacher.png"),
    ("social", "home-social-worker.png"),
    ("governor", "home-governor.png"),
]


def homes(page) -> None:
    """Sign in as each role and take the Home it lands on, the whole page."""
    for username, name in HOMES:
        page.context.clear_cookies()
        sign_in(page, username)
        page.wait_for_load_state("networkidle")  # the parts Home loads after the page
        page.screenshot(path=OUT / name, full_page=True)
    page.context.clear_cookies()


def funding(page) -> None:
    """The PP+ pages (docs/funding.md), signed in as the head."""
    for address, name in [
        ("/funding/", "funding-dashboard.png"),
        ("/funding/grant/", "funding-grant.png"),
        ("/funding/budget/", "funding-budget.png"),
        ("/funding/allocations/?status=withheld", "funding-allocations.png"),
        ("/funding/runs/", "funding-runs.png"),
        ("/funding/impact/", "funding-impact.png"),
    ]:
        page.goto(f"{BASE}{address}")
        page.screenshot(path=OUT / name, full_page=True)
    page.goto(f"{BASE}/funding/runs/")
    page.get_by_role("link", name="PPP-").first.click()
    page.screenshot(path=OUT / "funding-run.png", full_page=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        homes(page)
        if HOME_ONLY:
            browser.close()
            return
        page.goto(f"{BASE}/sign-in/")
        page.screenshot(path=OUT / "sign-in.png")
        sign_in(page, "head")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "home.png", full_page=True)
        page.goto(f"{BASE}/children/?area=out&sort=school")
        page.screenshot(path=OUT / "roll.png")
        page.locator("tbody").get_by_role("link").first.click()
        page.screenshot(path=OUT / "child.png", full_page=True)
        page.get_by_role("link", name="Care", exact=True).click()
        page.screenshot(path=OUT / "child-care.png")
        page.get_by_role("link", name="Education", exact=True).click()
        page.screenshot(path=OUT / "child-education.png")
        page.get_by_role("link", name="PEPs", exact=True).last.click()
        page.screenshot(path=OUT / "child-peps.png", full_page=True)
        page.goto(f"{BASE}/audit/")
        page.screenshot(path=OUT / "audit.png")
        page.goto(f"{BASE}/peps/?view=overdue&officer=all")
        page.screenshot(path=OUT / "work-queue.png")
        page.goto(f"{BASE}/peps/?view=qa&officer=all")
        page.get_by_role("table", name="Awaiting QA").get_by_role("link").first.click()
        page.screenshot(path=OUT / "pep-task-list.png", full_page=True)
        page.goto(f"{page.url}qa/")
        page.screenshot(path=OUT / "pep-qa.png")
        page.goto(f"{BASE}/reports/peps/")
        page.screenshot(path=OUT / "pep-report.png", full_page=True)
        page.goto(f"{BASE}/reports/peps/outstanding/")
        page.screenshot(path=OUT / "pep-outstanding.png")
        page.goto(f"{BASE}/peps/moderation/")
        page.screenshot(path=OUT / "pep-moderation.png", full_page=True)
        funding(page)
        page.context.clear_cookies()
        sign_in(page, "dt")
        page.goto(f"{BASE}/children/")
        page.screenshot(path=OUT / "roll-designated-teacher.png")
        browser.close()


if __name__ == "__main__":
    main()
