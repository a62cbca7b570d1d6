"""The grant seeded from the DfE rates file, its edits audited, the eligible count page,
and the Head's policy."""

from datetime import date

import pytest
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.models import CareEpisode
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.funding.errors import FundingError
from vschool.funding.grants import (
    eligible_breakdown,
    eypp_expected_pence,
    file_rate,
    grant_for,
    update_grant,
)
from vschool.funding.models import Grant, Policy
from vschool.funding.policy import policy_for, update_policy
from vschool.funding.querysets import eligible_children

pytestmark = pytest.mark.django_db

D = date
GRANT, EDIT, POLICY = "/funding/grant/", "/funding/grant/edit/", "/funding/policy/"


def _figures(**given):
    figures = dict(
        rate_pence=263000,
        received_pence=None,
        eypp_rate_pence=57000,
        eypp_children=None,
        eypp_received_pence=None,
        notes="",
    )
    return figures | given


# --- Seeded from the rates file -------------------------------------------------------------


def test_the_2025_26_grant_is_seeded_from_the_dfe_rates_file():
    grant = grant_for(2025)
    assert (grant.rate_pence, grant.eypp_rate_pence) == (263000, 57000)
    assert (grant.received_pence, grant.eypp_children, grant.eypp_received_pence) == (None,) * 3
    assert grant_for(2025).pk == grant.pk  # got, not made again
    assert Grant.objects.count() == 1


def test_a_year_the_file_has_no_rate_for_is_blank():
    grant = grant_for(2026)  # 2026-27: UNCONFIRMED, no figures
    assert (grant.rate_pence, grant.eypp_rate_pence) == (None, None)
    assert file_rate(2026).confidence.startswith("UNCONFIRMED")
    assert grant_for(2040).rate_pence is None  # not in the file at all
    assert file_rate(2040).confidence == ""


@pytest.mark.parametrize(
    ("year", "rate", "eypp"),
    [(2014, 190000, None), (2015, 190000, 30200), (2024, 257000, 38800), (2020, 234500, None)],
)
def test_other_years_of_the_file(year, rate, eypp):
    assert (file_rate(year).rate_pence, file_rate(year).eypp_rate_pence) == (rate, eypp)


def test_a_saved_grant_is_never_reseeded(personas):
    grant = grant_for(2025)
    update_grant(grant, user=personas[Role.HEAD], **_figures(rate_pence=270000))
    assert grant_for(2025).rate_pence == 270000


# --- Edits, audited ---------------------------------------------------------------------------


def test_an_edit_is_audited_with_what_changed(personas):
    head = personas[Role.HEAD]
    grant = grant_for(2025)
    update_grant(
        grant,
        user=head,
        **_figures(received_pence=5260000, eypp_children=12, notes="First instalment"),
    )
    grant.refresh_from_db()
    assert (grant.received_pence, grant.eypp_children, grant.notes) == (
        5260000,
        12,
        "First instalment",
    )
    assert grant.updated_by == head
    assert eypp_expected_pence(grant) == 12 * 57000
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGED)
    assert entry.object_type == "funding.Grant" and entry.object_id == str(grant.pk)
    assert entry.summary == (
        "PP+ grant 2025-26: grant received blank -> £52,600.00; EYPP children blank -> 12; "
        "notes changed"
    )
    # Saving the same figures again changes nothing and records nothing.
    update_grant(
        grant,
        user=head,
        **_figures(received_pence=5260000, eypp_children=12, notes="First instalment"),
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED).count() == 1


def test_a_negative_figure_is_refused(personas):
    grant = grant_for(2025)
    with pytest.raises(FundingError, match="Grant received must not be negative"):
        update_grant(grant, user=personas[Role.HEAD], **_figures(received_pence=-1))
    grant.refresh_from_db()
    assert grant.received_pence is None
    assert not AuditEntry.objects.exists()


def test_the_head_changes_the_grant_through_its_page(login, personas):
    client = login(personas[Role.HEAD])
    page = client.get(EDIT, {"year": "2025-26"})
    assert 'value="2630.00"' in page.content.decode()
    data = {"rate": "2,630", "received": "52600.50", "eypp_rate": "570", "eypp_children": "3"}
    response = client.post(f"{EDIT}?year=2025-26", data | {"rate": "2630"})
    assert response.status_code == 302
    assert response["Location"] == f"{GRANT}?year=2025-26"
    grant = Grant.objects.get(financial_year=2025)
    assert (grant.received_pence, grant.eypp_children) == (5260050, 3)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGED)
    assert entry.ip_address == "127.0.0.1"
    page = client.get(response["Location"]).content.decode()
    assert "PP+ grant 2025-26 saved" in page
    assert "£52,600.50" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("received", "-5", "Grant received must be £0 or more"),
        ("rate", "lots", "Rate per child must be a number in pounds, like 450 or 450.50"),
        ("rate", "0", "Rate per child must be more than £0"),
        ("rate", "12.345", "Rate per child must be in pounds and pence, like 450.50"),
        ("eypp_children", "2.5", "EYPP children must be a whole number, like 12"),
        ("eypp_children", "-1", "EYPP children must be 0 or more"),
    ],
)
def test_bad_grant_figures_are_said_and_nothing_is_saved(login, personas, field, value, message):
    client = login(personas[Role.HEAD])
    response = client.post(f"{EDIT}?year=2025-26", {"rate": "2630", field: value})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert f'href="#id_{field}"' in body  # the summary links to the field
    assert body.count(message) == 2  # in the summary and by the field
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED).exists()
    assert Grant.objects.get(financial_year=2025).received_pence is None


@pytest.mark.parametrize("role", [Role.OFFICER, Role.DATA_OFFICER, Role.COORDINATOR])
def test_only_the_head_and_deputy_change_the_grant(login, personas, role):
    client = login(personas[role])
    assert client.get(GRANT, {"year": "2025-26"}).status_code == 200
    assert "Change the grant" not in client.get(GRANT).content.decode()
    assert client.get(EDIT).status_code == 404
    assert client.post(f"{EDIT}?year=2025-26", {"rate": "1"}).status_code == 404
    assert Grant.objects.get(financial_year=2025).rate_pence == 263000


# --- The grant page ---------------------------------------------------------------------------


def _eligible_roll():
    """Children in and out of the 2025-26 count: ages, short breaks, an ending on 1 April."""
    cases = [
        (D(2021, 8, 31), dict(decom=D(2025, 1, 1))),  # Reception
        (D(2015, 3, 14), dict(decom=D(2024, 1, 1))),  # Year 6
        (D(2015, 6, 1), dict(decom=D(2024, 1, 1))),  # Year 6
        (D(2009, 9, 1), dict(decom=D(2026, 3, 31))),  # Year 11, from the last day
        (D(2009, 8, 31), dict(decom=D(2024, 1, 1))),  # 16: not counted
        (D(2021, 9, 1), dict(decom=D(2024, 1, 1))),  # 3: not counted
        (D(2015, 1, 1), dict(decom=D(2025, 5, 1), ls="V3")),  # short break: not counted
        (D(2015, 1, 1), dict(decom=D(2024, 1, 1), dec=D(2025, 4, 1), rec="E13")),  # not counted
    ]
    for dob, episode in cases:
        CareEpisodeFactory(child=ChildFactory(date_of_birth=dob), **episode)


def test_the_breakdown_counts_by_year_group_in_one_query(django_assert_num_queries):
    _eligible_roll()
    with django_assert_num_queries(1):
        breakdown = eligible_breakdown(2025)
    counts = {label: count for _n, label, count in breakdown.by_year}
    assert list(counts) == ["Reception"] + [f"Year {n}" for n in range(1, 12)]
    assert counts == counts | {"Reception": 1, "Year 6": 2, "Year 11": 1}
    assert sum(counts.values()) == breakdown.total == 4 == eligible_children(2025).count()
    assert (breakdown.first_day, breakdown.last_day) == (D(2025, 4, 1), D(2026, 3, 31))
    assert breakdown.counting_day == D(2025, 8, 31)
    assert (breakdown.born_from, breakdown.born_to) == (D(2009, 9, 1), D(2021, 8, 31))


def test_the_breakdown_follows_the_setting(settings):
    settings.VSCHOOL_PP_PLUS_AGE_ON = "before_year"
    _eligible_roll()
    breakdown = eligible_breakdown(2025)
    assert breakdown.counting_day == D(2024, 8, 31)
    # On 31 August 2024 the Reception child was 3 and the 16-year-old 15.
    assert breakdown.total == eligible_children(2025).count() == 4
    counts = {label: c for _n, label, c in breakdown.by_year}
    assert (counts["Reception"], counts["Year 10"], counts["Year 11"]) == (0, 1, 1)


def test_the_grant_page_shows_the_rate_the_count_and_how_it_was_counted(login, personas):
    _eligible_roll()
    body = login(personas[Role.OFFICER]).get(GRANT, {"year": "2025-26"}).content.decode()
    count = eligible_children(2025).count()
    assert count == 4
    assert f'<dd class="govuk-summary-list__value" id="eligible-count">{count}</dd>' in body
    assert "£2,630.00" in body and "From the DfE rates file (confirmed)" in body
    assert "£10,520.00" in body  # expected: 4 x £2,630
    assert "How this was counted" in body
    assert "1 April 2025" in body and "31 March 2026" in body and "31 August 2025" in body
    assert "£570.00 a child" in body  # the EYPP rate
    assert "Previous year" in body and 'href="?year=2024-25"' in body
    assert 'href="?year=2026-27"' in body


def test_a_year_without_a_rate_says_so(login, personas):
    body = login(personas[Role.HEAD]).get(GRANT, {"year": "2026-27"}).content.decode()
    assert (
        "No rate for 2026-27 in the DfE rates file: enter the rate when the DfE confirms it" in body
    )
    assert "Not known until the rate is entered" in body


def test_an_entered_rate_says_it_was_entered(login, personas):
    grant = grant_for(2026)
    update_grant(grant, user=personas[Role.HEAD], **_figures(rate_pence=270000))
    body = login(personas[Role.HEAD]).get(GRANT, {"year": "2026-27"}).content.decode()
    assert "£2,700.00" in body and "Entered" in body
    assert "No rate for 2026-27" not in body


@pytest.mark.parametrize("year", ["2025-27", "soon", "1999", "²"])
def test_a_year_that_is_no_year_is_not_found(login, personas, year):
    client = login(personas[Role.HEAD])
    for url in (GRANT, EDIT, POLICY, "/funding/budget/"):
        assert client.get(url, {"year": year}).status_code == 404, url


# --- The policy -------------------------------------------------------------------------------


def test_the_default_policy_is_the_last_good_grade_and_no_limits(settings):
    policy = policy_for(2025)
    assert policy.pk is None
    assert (policy.threshold_grade, policy.per_term_pence, policy.yearly_cap_pence) == (
        "Green",
        None,
        None,
    )
    settings.VSCHOOL_PEP_GOOD_GRADES = ("Gold",)
    assert policy_for(2025).threshold_grade == "Gold"


def test_a_policy_change_is_audited_old_to_new(personas):
    head = personas[Role.HEAD]
    for cap, grade in ((None, "Green"), (180000, "Amber"), (180000, "Amber")):  # the last: same
        update_policy(
            2025, user=head, per_term_pence=60000, yearly_cap_pence=cap, threshold_grade=grade
        )
    saved = Policy.objects.get(financial_year=2025)
    assert policy_for(2025) == saved
    assert (saved.per_term_pence, saved.yearly_cap_pence, saved.threshold_grade) == (
        60000,
        180000,
        "Amber",
    )
    summaries = list(
        AuditEntry.objects.filter(object_type="funding.Policy")
        .order_by("pk")
        .values_list("action", "summary")
    )
    assert summaries == [
        (AuditEntry.Action.CREATED, "PP+ policy 2025-26: amount a term no limit -> £600.00"),
        (
            AuditEntry.Action.CHANGED,
            "PP+ policy 2025-26: yearly cap no limit -> £1,800.00; threshold grade Green -> Amber",
        ),
    ]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (dict(threshold_grade="Purple"), "Threshold grade must be one of Gold, Green, Amber, Red"),
        (dict(per_term_pence=-1), "Amount a term must be more than £0"),
        (dict(yearly_cap_pence=0), "Yearly cap must be more than £0"),
    ],
)
def test_a_bad_policy_is_refused(personas, given, message):
    values = dict(per_term_pence=None, yearly_cap_pence=None, threshold_grade="Green") | given
    with pytest.raises(FundingError, match=message):
        update_policy(2025, user=personas[Role.HEAD], **values)
    assert not Policy.objects.exists()


@pytest.mark.parametrize("role", [Role.HEAD, Role.DEPUTY])
def test_the_head_and_deputy_set_the_policy(login, personas, role):
    client = login(personas[role])
    page = client.get(POLICY, {"year": "2025-26"}).content.decode()
    assert "No policy set for 2025-26 yet" in page
    assert 'value="Green" checked' in page  # the default, chosen
    data = {"per_term": "600", "yearly_cap": "", "threshold_grade": "Amber"}
    response = client.post(f"{POLICY}?year=2025-26", data)
    assert response.status_code == 302
    saved = Policy.objects.get(financial_year=2025)
    assert (saved.per_term_pence, saved.yearly_cap_pence, saved.threshold_grade) == (
        60000,
        None,
        "Amber",
    )
    assert saved.updated_by == personas[role]
    body = client.get(response["Location"]).content.decode()
    assert "PP+ policy 2025-26 saved" in body and "£600.00" in body


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COORDINATOR, Role.DATA_OFFICER])
def test_the_others_read_the_policy_and_may_not_change_it(login, personas, role):
    client = login(personas[role])
    page = client.get(POLICY, {"year": "2025-26"})
    assert page.status_code == 200
    assert "Green" in page.content.decode() and "Save policy" not in page.content.decode()
    data = {"per_term": "600", "threshold_grade": "Red"}
    assert client.post(f"{POLICY}?year=2025-26", data).status_code == 404
    assert not Policy.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"per_term": "-600", "threshold_grade": "Green"}, "Amount a term per child must be more"),
        ({"per_term": "six", "threshold_grade": "Green"}, "Amount a term per child must be a number"),
        ({"yearly_cap": "0", "threshold_grade": "Green"}, "Yearly cap per child must be more than £0"),
        ({"per_term": "700", "yearly_cap": "600", "threshold_grade": "Green"},
         "Amount a term must not be more than the yearly cap"),
        ({"per_term": "600"}, "Select the threshold grade"),
        ({"threshold_grade": "Purple"}, "Select one of the grades shown"),
    ],
)  # fmt: skip
def test_a_bad_policy_form_says_what_is_wrong(login, personas, data, message):
    response = login(personas[Role.HEAD]).post(f"{POLICY}?year=2025-26", data)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and message in body
    assert body.startswith("<!DOCTYPE html>") and "<title>Error: " in body
    assert not Policy.objects.exists()
    assert not AuditEntry.objects.filter(object_type="funding.Policy").exists()


def test_the_pages_show_no_child(login, personas):
    child = ChildFactory(last_name="Zebedee", date_of_birth=D(2015, 1, 1))
    CareEpisode.objects.create(child=child, decom=D(2024, 1, 1), rne="S", ls="C2", cin="N1",
                               place="U1")  # fmt: skip
    client = login(personas[Role.HEAD])
    for url in (GRANT, EDIT, POLICY, "/funding/budget/"):
        body = client.get(url, {"year": "2025-26"}).content.decode()
        assert "Zebedee" not in body and child.reference not in body, url
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED).exists()
    assert reverse("funding:grant") == GRANT


def test_a_blank_rate_takes_the_files_rate_until_someone_changes_the_grant(personas, monkeypatch):
    from vschool.funding import grants

    grant = grant_for(2026)
    assert grant.rate_pence is None
    confirmed = grants.FileRate(rate_pence=270000, eypp_rate_pence=60000, confidence="confirmed")
    monkeypatch.setattr(grants, "file_rate", lambda year: confirmed)
    assert (grant_for(2026).rate_pence, grant_for(2026).eypp_rate_pence) == (270000, 60000)
    # Once the head has changed the grant, its figures are theirs.
    grant = grant_for(2026)
    update_grant(grant, user=personas[Role.HEAD], **_figures(rate_pence=None, eypp_rate_pence=None))
    assert grant_for(2026).rate_pence is None
