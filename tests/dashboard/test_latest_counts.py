"""Plans follow the counts: the dashboard and the home page use the pilot's latest counts; an
approved plan keeps the counts it was approved with; a draft follows the latest counts unless
pinned to a date; the change since the previous date compares the two latest dates."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from municipalities.models import ClientStatistic, Municipality
from staffing.models import StaffingPlan
from staffing.reports.counts import counts_note
from staffing.selectors.figures import plan_figures
from staffing.selectors.statistics import pinned_date, usable_statistics_date
from tests.dashboard.helpers import body_rows, row_named, table, texts

KOKKOLA = "kokkolan-seutu"
SEED_DATE = datetime.date(2020, 11, 5)
NEW_DATE = datetime.date(2022, 11, 5)
#: Kokkola's counts on 5.11.2020 (2 622 in all), each + 10 on the new date: 2 702.
SEED_COUNTS = {"272": 1975, "217": 185, "584": 96, "074": 26, "236": 138}
SEED_COUNTS |= {"421": 20, "849": 94, "924": 88}


def add_new_date(measure="clients"):
    for code, value in SEED_COUNTS.items():
        ClientStatistic.objects.create(
            municipality=Municipality.objects.get(code=code),
            date=NEW_DATE,
            measure=measure,
            value=value + 10,
        )


def seed_plan():
    return StaffingPlan.objects.select_related("pilot").get(
        pilot__slug=KOKKOLA, slug="henkilostosuunnitelma"
    )


# --- the rule, without the database -------------------------------------------------------------


def test_the_rule_pinned_date_when_it_has_counts_else_the_latest():
    dates = [SEED_DATE, NEW_DATE]
    assert usable_statistics_date(None, dates) == NEW_DATE
    assert usable_statistics_date(SEED_DATE, dates) == SEED_DATE
    assert usable_statistics_date(datetime.date(2021, 1, 1), dates) == NEW_DATE
    assert usable_statistics_date(None, []) is None


@pytest.mark.parametrize(
    ("status", "pinned"),
    [("draft", SEED_DATE), ("submitted", SEED_DATE), ("approved", None), ("superseded", None)],
)
def test_only_a_draft_is_pinned(status, pinned):
    plan = StaffingPlan(status=status, statistics_date=SEED_DATE)
    assert pinned_date(plan) == pinned


# --- the seed plan ------------------------------------------------------------------------------


def test_seed_plan_is_unchanged_and_shows_its_approval_figure(seeded):
    figures = plan_figures(seed_plan())
    assert (figures.statistics_date, figures.client_total) == (SEED_DATE, Decimal(2622))
    assert figures.caseload.rounded(1) == Decimal("95.7")
    assert figures.previous_date is None and figures.client_change is None
    with translation.override("en"):
        note = counts_note(figures)
    assert note.at_approval == "at approval: 95.7 with 2,622 clients on 5.11.2020"
    with translation.override("fi"):
        note = counts_note(figures)
    assert note.at_approval == "hyväksyttäessä: 95,7, asiakkaat 2\u202f622, tilanne 5.11.2020"


def test_approved_plan_follows_new_counts_and_keeps_its_approval_figure(seeded):
    add_new_date()
    figures = plan_figures(seed_plan())
    assert (figures.statistics_date, figures.client_total) == (NEW_DATE, Decimal(2702))
    assert figures.caseload.rounded(1) == Decimal("98.6")  # 2702 / 27,4
    assert (figures.previous_date, figures.client_change) == (SEED_DATE, Decimal(80))
    approval = figures.at_approval
    assert (approval.statistics_date, approval.clients) == (SEED_DATE, Decimal(2622))
    assert approval.caseload.rounded(1) == Decimal("95.7")


def test_a_draft_follows_the_latest_counts_unless_pinned(seeded):
    add_new_date()
    plan = seed_plan()
    StaffingPlan.objects.filter(pk=plan.pk).update(status="draft")
    plan.refresh_from_db()
    pinned = plan_figures(plan)
    assert (pinned.statistics_date, pinned.client_total, pinned.pinned) == (
        SEED_DATE,
        Decimal(2622),
        True,
    )
    assert pinned.at_approval is None  # a draft has no approval figure
    plan.statistics_date = None
    following = plan_figures(plan)
    assert (following.statistics_date, following.client_total, following.pinned) == (
        NEW_DATE,
        Decimal(2702),
        False,
    )


def test_another_measure_does_not_move_the_date(seeded):
    add_new_date(measure="job_seekers")
    figures = plan_figures(seed_plan())
    assert (figures.statistics_date, figures.client_total) == (SEED_DATE, Decimal(2622))
    assert figures.client_change is None


# --- the pages ----------------------------------------------------------------------------------


def test_dashboard_and_home_show_the_latest_counts_and_the_change(seeded, client, manager):
    add_new_date()
    client.force_login(manager)
    page = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": KOKKOLA}))
    content = page.content.decode()
    assert 'data-testid="headline-clients">2\u202f702<' in content
    assert "5.11.2022" in content
    assert 'data-testid="headline-change">+80 verrattuna tilanteeseen 5.11.2020<' in content
    assert 'data-testid="headline-caseload" data-status="no_target">98,6<' in content
    assert "Hyväksyttäessä: 95,7, asiakkaat 2\u202f622, tilanne 5.11.2020" in content
    # The seed pilots ended on 31.12.2024: the home page lists them under "Ended pilots".
    home = client.get(reverse("home"), {"period": "ended"}).content
    row = texts(row_named(body_rows(table(home, "pilot-table")), "Kokkolan seudun kuntakokeilu"))
    assert row[2:5] == ["5.11.2022", "2\u202f702", "+80"]
    assert row[7] == "98,6"
