"""Walk every URL pattern as every role: each gets exactly the pages its role allows.

A child outside the user's scope gets the same 404 as a missing one. A new URL pattern
fails this test until its access rule is added to EXPECTED.
"""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vschool.accounts.models import Role
from vschool.alerts.models import Alert
from vschool.attendance.models import AlternativeProvision, Exclusion
from vschool.exchange.models import ImportRun
from vschool.exchange.tokens import token_issue
from vschool.funding.models import BudgetLine, PaymentLine, PaymentRun
from vschool.peps.models import Pep, PepModeration

STAFF = {Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.OFFICER, Role.DATA_OFFICER}
ALL = set(Role)
HEADS = {Role.HEAD, Role.DEPUTY}
IMPORTERS = HEADS | {Role.DATA_OFFICER}
TEAM = STAFF - {Role.DATA_OFFICER}
FINANCE = HEADS | {Role.DATA_OFFICER}  # user.may_manage_funding

# url name -> (roles given 200 for the in-scope target, roles given 200 for the other target)
# Targets: "a" is the child/school of the DT and social worker personas; "b" is neither's.
EXPECTED = {
    "pages:home": (ALL, ALL),
    "pages:home_figures": (TEAM, TEAM),
    "pages:help": (ALL, ALL),
    "pages:accessibility": (ALL, ALL),
    "pages:privacy": (ALL, ALL),
    "accounts:account": (ALL, ALL),
    "accounts:password_change": (ALL, ALL),
    "accounts:audit": (HEADS, HEADS),
    "accounts:users": ({Role.HEAD}, {Role.HEAD}),
    "accounts:user_add": ({Role.HEAD}, {Role.HEAD}),
    "accounts:user": ({Role.HEAD}, {Role.HEAD}),
    "cohort:children": (ALL - {Role.GOVERNOR}, ALL - {Role.GOVERNOR}),
    "cohort:child_add": (STAFF, STAFF),
    "cohort:child": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    # The care history is not the school's (docs/roles-and-fields.md).
    "cohort:child_care": (STAFF | {Role.SOCIAL_WORKER}, STAFF),
    "cohort:child_education": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "cohort:child_edit": (STAFF, STAFF),
    "peps:child": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "attendance:dashboard": (STAFF, STAFF),
    "attendance:child": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    # Suspensions: the school's designated teacher may record one, not change it.
    "attendance:exclusion_add": (STAFF | {Role.DESIGNATED_TEACHER}, STAFF),
    "attendance:exclusion_edit": (STAFF, STAFF),
    "attendance:provision_add": (STAFF, STAFF),
    "attendance:provision_edit": (STAFF, STAFF),
    "attendance:provision": (STAFF, STAFF),
    "attendance:suspensions": (STAFF, STAFF),
    "peps:queue": (ALL - {Role.GOVERNOR}, ALL - {Role.GOVERNOR}),
    "peps:start": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:detail": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:section": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:item_add": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:item": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:item_remove": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:qa": (STAFF, STAFF),
    "peps:regrade": (STAFF, STAFF),  # an approved PEP: targets[("peps:regrade", "pep_id")]
    "peps:document": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:blank_document": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:views_sheet": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:check": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:submitted": (STAFF | {Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER}, STAFF),
    "peps:moderation": (STAFF, STAFF),
    "peps:moderation_grade": (STAFF, STAFF),
    "peps:deadlines": (STAFF, STAFF),
    "peps:deadline_edit": (HEADS, HEADS),
    "cohort:episode_add": (STAFF, STAFF),
    "cohort:episode_edit": (STAFF, STAFF),
    "cohort:placement_add": (STAFF, STAFF),
    "cohort:placement_edit": (STAFF, STAFF),
    "cohort:schools": (STAFF | {Role.DESIGNATED_TEACHER}, STAFF | {Role.DESIGNATED_TEACHER}),
    "cohort:school": (STAFF | {Role.DESIGNATED_TEACHER}, STAFF),
    "calendar:term_dates": (STAFF, STAFF),
    "exchange:imports": (IMPORTERS, IMPORTERS),
    "exchange:attendance_upload": (IMPORTERS, IMPORTERS),
    "exchange:run": (IMPORTERS, IMPORTERS),
    "exchange:run_errors": (IMPORTERS, IMPORTERS),
    "exchange:export": (IMPORTERS, IMPORTERS),
    "exchange:tokens": (IMPORTERS, IMPORTERS),
    "exchange:token_new": (IMPORTERS, IMPORTERS),
    "exchange:token_revoke": (IMPORTERS, IMPORTERS),
    # The attendance API's schema and docs page: public, they show no data (docs/api.md).
    "api:openapi-json": (ALL, ALL),
    "api:openapi-view": (ALL, ALL),
    "calendar:term_dates_edit": (STAFF, STAFF),
    "reports:index": (STAFF | {Role.GOVERNOR}, STAFF | {Role.GOVERNOR}),
    "reports:peps": (STAFF | {Role.GOVERNOR}, STAFF | {Role.GOVERNOR}),
    "reports:outstanding_peps": (STAFF, STAFF),
    "reports:care_year": (STAFF | {Role.GOVERNOR}, STAFF | {Role.GOVERNOR}),
    # PP+: the grant, policy and budget are read by staff; forms on them as each says.
    "funding:grant": (STAFF, STAFF),
    "funding:grant_edit": (HEADS, HEADS),
    "funding:policy": (STAFF, STAFF),
    "funding:budget": (STAFF, STAFF),
    "funding:budget_line": (STAFF, STAFF),
    "funding:runs": (FINANCE, FINANCE),
    "funding:run": (FINANCE, FINANCE),
    "funding:run_confirm": (FINANCE, FINANCE),
    "funding:run_cancel": (FINANCE, FINANCE),
    "funding:run_correction": (FINANCE, FINANCE),
    "funding:remittance_pdf": (FINANCE, FINANCE),
    "funding:remittance_csv": (FINANCE, FINANCE),
    "funding:finance_csv": (FINANCE, FINANCE),
    # PP+ allocations and a child's PP+ (funding/allocation_views.py).
    "funding:allocations": (STAFF, STAFF),
    "funding:child": (STAFF, STAFF),
    "funding:direct_spend": (FINANCE, FINANCE),
    "funding:dashboard": (STAFF | {Role.GOVERNOR}, STAFF | {Role.GOVERNOR}),
    "funding:dashboard_csv": (STAFF | {Role.GOVERNOR}, STAFF | {Role.GOVERNOR}),
    "funding:impact": (STAFF | {Role.GOVERNOR}, STAFF | {Role.GOVERNOR}),
    # Alerts: the team act, a social worker reads their children's (alerts/views.py).
    "alerts:list": (STAFF | {Role.SOCIAL_WORKER}, STAFF | {Role.SOCIAL_WORKER}),
    "alerts:alert": (STAFF | {Role.SOCIAL_WORKER}, STAFF),
}
# Pages anyone may open without signing in.
PUBLIC = {
    "accounts:login",
    "pages:help",
    "pages:accessibility",
    "pages:privacy",
    "api:openapi-json",
    "api:openapi-view",
}
# Pages with their own tests: sign-in/out, the two-factor flow and enrolment links
# (vschool/accounts/tests/), the session keep-alive and POST-only endpoints (the PEP
# draft autosave: vschool/peps/tests/test_autosave.py).
FLOWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:two_factor_setup",
    "accounts:two_factor_done",
    "accounts:two_factor_verify",
    "accounts:enrol",
    "accounts:keep_alive",
    "accounts:user_link",
    "accounts:user_access",
    "peps:autosave",
    # POST only, with a bearer token, never a session (vschool/exchange/tests/test_api.py).
    "api:attendance_marks",
    # /api/v1/ itself: a 404 for everyone, signed in or not (test_api.py).
    "api:api-root",
    "attendance:provision_approve",  # POST only: vschool/attendance/tests/test_exclusion_pages.py
}


def _patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


ALL_NAMES = sorted({name for name, _ in _patterns()})


def _url(name, pattern, target):
    kwargs = {}
    for key in pattern.pattern.converters:
        kwargs[key] = target[(name, key)] if (name, key) in target else target[key]
    return reverse(name, kwargs=kwargs)


def _confirmed_run(child, school) -> PaymentRun:
    """A confirmed payment run that paid `school` for `child`."""
    run = PaymentRun.objects.create(
        reference=f"PPP-TEST-{school.urn}",
        financial_year=2025,
        academic_year=2025,
        term="autumn",
        status=PaymentRun.Status.CONFIRMED,
    )
    PaymentLine.objects.create(
        run=run,
        school=school,
        child=child,
        financial_year=2025,
        amount_pence=45000,
        description="Autumn term 2025/26: One to one tuition",
    )
    return run


@pytest.fixture
def targets(roll):
    """Path arguments for the in-scope ("a") and out-of-scope ("b") records."""
    import_run = ImportRun.objects.create(
        kind="ssda903", status="rejected", files="x.csv", summary="Not imported"
    )
    feed_token, _ = token_issue(name="Alder Primary", urns=["100001"], user=None)
    budget_line = BudgetLine.objects.create(
        financial_year=2025, category="tuition", name="Tuition fund", budget_pence=100000
    )

    def for_child(child, school):
        return {
            "pk": child.pk,
            "episode_pk": child.episodes.first().pk,
            "placement_pk": child.school_placements.first().pk,
            "year": 2025,
            "term": "autumn",
            ("exchange:run", "pk"): import_run.pk,
            "pep_id": Pep.objects.create(
                child=child,
                pep_type="primary",
                academic_year=2025,
                term="autumn",
                due_date=date(2025, 12, 12),
            ).pk,
            "section": "school",
            "part": "ssda903-year",
            ("peps:item_add", "section"): "targets",
            ("peps:item", "section"): "targets",
            ("peps:item_remove", "section"): "targets",
            "n": 1,
            "moderation_id": PepModeration.objects.create(
                pep=Pep.objects.create(
                    child=child,
                    pep_type="primary",
                    academic_year=2025,
                    term="autumn",
                    due_date=date(2025, 12, 12),
                    status="approved",
                    grade="Green",
                ),
                academic_year=2025,
                term="autumn",
                phase="primary",
                first_grade="Green",
            ).pk,
            ("peps:regrade", "pep_id"): Pep.objects.create(
                child=child,
                pep_type="primary",
                academic_year=2025,
                term="autumn",
                due_date=date(2025, 12, 12),
                status="approved",
                grade="Green",
            ).pk,
            ("exchange:run_errors", "pk"): import_run.pk,
            ("exchange:token_revoke", "pk"): feed_token.pk,
            ("cohort:school", "pk"): school.pk,
            ("accounts:user", "pk"): roll["other_dt"].pk,
            "line_id": budget_line.pk,
            "run_id": _confirmed_run(child, school).pk,
            "school_id": school.pk,
            "alert_id": Alert.objects.create(
                kind="unexplained",
                child=child,
                key="2025-11-28",
                raised_on=date(2025, 11, 28),
                due=date(2025, 12, 1),
                facts="Marked O in the morning on 28 November 2025",
            ).pk,
            "exclusion_pk": Exclusion.objects.create(
                child=child,
                school=school,
                urn=school.urn,
                start=date(2025, 10, 6),
                end=date(2025, 10, 6),
                sessions=2,
                reason_1="PP",
            ).pk,
            "provision_pk": AlternativeProvision.objects.create(
                child=child,
                provider_name="Riverside Learning Centre",
                hours_per_week=10,
                start=date(2025, 9, 8),
                review_date=date(2025, 10, 20),
                arranged_by="school",
            ).pk,
        }

    return {
        "a": for_child(roll["at_a"], roll["school_a"]),
        "b": for_child(roll["at_b"], roll["school_b"]),
    }


def test_every_url_pattern_has_an_access_rule():
    assert set(ALL_NAMES) - set(EXPECTED) - FLOWS == set()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_its_pages(login, personas, targets, role):
    client = login(personas[role])
    wrong = []
    for name, pattern in _patterns():
        if name in FLOWS:
            continue
        for which, allowed in zip("ab", EXPECTED[name], strict=True):
            status = client.get(_url(name, pattern, targets[which])).status_code
            expected = 200 if role in allowed else 404
            if status != expected:
                wrong.append(f"{name} ({which}): {status}, expected {expected}")
    assert wrong == []


def test_signed_out_visitors_are_sent_to_sign_in(client, targets):
    for name, pattern in _patterns():
        if name in FLOWS:
            continue
        response = client.get(_url(name, pattern, targets["a"]))
        if name in PUBLIC:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("accounts:login")), name


@pytest.mark.parametrize("role", [Role.GOVERNOR])
def test_governors_cannot_download_the_roll(login, personas, roll, role):
    client = login(personas[role])
    assert client.get("/children/?format=csv").status_code == 404
    assert client.get("/children/?format=xlsx").status_code == 404


def test_a_designated_teacher_cannot_see_another_schools_child_anywhere(login, personas, roll):
    client = login(personas[Role.DESIGNATED_TEACHER])
    assert "Brown" not in client.get("/children/").content.decode()
    assert "Brown, Ben" not in client.get("/children/?q=Brown").content.decode()
    assert "Brown" not in b"".join(client.get("/children/?format=csv").streaming_content).decode()
    assert "Showing 1 to 1 of 1 child" in client.get("/children/").content.decode()
