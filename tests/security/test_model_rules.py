"""Rules on what is stored (issue 14, items 7, 9, 11, 14, 17): the admin goes through the plan
lock and versions, free text is bounded and holds no personal data, dates stay between 2000 and
2100, and who may edit a pilot is part of its history."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.validators import NOTE_MAX_LENGTH
from municipalities.models import ClientStatistic, MunicipalityGroup, Pilot, PilotMembership
from staffing.models import Allocation, DeclaredFigure, Organisation, StaffingPlan
from tests.municipalities.test_client_counts import counts_data, create_url
from tests.municipalities.test_import import HEADER, import_url
from tests.staffing.test_editing import approve as approve_plan
from tests.staffing.test_editing import build_world, fingerprint, line_data, plan_url

HETU = "131052-308T"
MEGABYTE = "x" * (1024 * 1024)


@pytest.fixture
def world(db):
    return build_world()


def admin_change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


# --- item 7: the admin -------------------------------------------------------------------------


def approve(world):
    approve_plan(world)
    world.plan.refresh_from_db()


def test_an_approved_plans_line_cannot_be_changed_in_the_admin(client, world):
    approve(world)
    client.force_login(world.admin)
    line = world.line
    page = client.get(admin_change_url(line))
    assert page.status_code == 200  # shown read-only
    assert 'name="fte"' not in page.content.decode()
    response = client.post(admin_change_url(line), {"fte": "9,00", "plan": world.plan.pk})
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.fte != Decimal("9.00")
    plan_page = client.get(admin_change_url(world.plan)).content.decode()
    assert 'name="allocations-0-fte"' not in plan_page


def admin_form_data(response):
    """The admin change form's own values, as a browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(item) for item in value] if isinstance(value, list) else str(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
    return data


def test_a_stale_admin_save_is_refused_and_an_admin_save_raises_the_version(client, world):
    client.force_login(world.admin)
    count = ClientStatistic.objects.filter(municipality=world.towns[0]).first()
    before = count.version
    page = client.get(admin_change_url(count))
    data = admin_form_data(page)
    data["value"] = "111"
    # Someone saves in between (the pages' service raises the version).
    ClientStatistic.claim(count.pk)
    stale = client.post(admin_change_url(count), data)
    assert stale.status_code == 200
    assert "after you opened it" in stale.content.decode() or "avasit" in stale.content.decode()
    count.refresh_from_db()
    assert count.value != Decimal(111)
    data["seen_version"] = str(count.version)
    saved = client.post(admin_change_url(count), data)
    assert saved.status_code == 302
    count.refresh_from_db()
    assert (count.value, count.version) == (Decimal(111), before + 2)


# --- items 9 and 17: free text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role_title", f"Ohjaaja, asiakas {HETU}"),
        ("note", "Soita asiakkaalle 040 123 4567"),
        ("note", MEGABYTE),
    ],
)
def test_a_line_refuses_personal_data_and_a_megabyte_note(client, world, field, value):
    client.force_login(world.coordinator)
    before = fingerprint()
    response = client.post(
        plan_url("staffing:allocation-create", world),
        line_data(world, prefix="new", **{field: value}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert fingerprint() == before


@pytest.mark.parametrize(
    "model_field",
    [
        (Allocation, "note"),
        (StaffingPlan, "description"),
        (Pilot, "description"),
        (DeclaredFigure, "note"),
    ],
)
def test_every_note_is_bounded_and_refuses_personal_data(model_field):
    model, name = model_field
    field = model._meta.get_field(name)
    assert field.max_length == NOTE_MAX_LENGTH
    for value in (MEGABYTE, f"puh. +358 40 123 4567 {name}", HETU):
        with pytest.raises(ValidationError):
            field.run_validators(value)


# --- item 14: dates -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_a_statistics_date_outside_2000_2100_is_refused(client, world, typed):
    client.force_login(world.coordinator)
    before = fingerprint()
    response = client.post(create_url(world), counts_data(world, ["1", "", ""], date=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert fingerprint() == before


def test_the_import_refuses_a_date_outside_2000_2100(client, world):
    client.force_login(world.coordinator)
    code = world.towns[0].code
    text = "\n".join([HEADER, f"{code},9999-12-31,clients,5,ei,"])
    response = client.post(import_url(world), {"file": SimpleUploadedFile("a.csv", text.encode())})
    assert response.context["rows"][0].status == "error"


@pytest.mark.parametrize(
    "changes",
    [
        {"valid_from": date(1, 1, 1)},
        {"valid_to": date(9999, 12, 31)},
        {"statistics_date": date(2101, 1, 1)},
    ],
)
def test_a_plan_refuses_dates_outside_2000_2100(world, changes):
    plan = world.plan
    for name, value in changes.items():
        setattr(plan, name, value)
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert set(changes) <= set(refused.value.message_dict)


# --- item 11: history ----------------------------------------------------------------------------


def test_granting_a_coordinator_is_recorded_in_the_pilots_history(world, make_user):
    user = make_user("uusi-koordinaattori")
    world.pilot.coordinators.add(user)
    latest = world.pilot.history.latest()
    assert user.pk in [row.user_id for row in latest.coordinators.all()]


@pytest.mark.parametrize(
    "model", [Pilot, PilotMembership, MunicipalityGroup, Organisation, DeclaredFigure]
)
def test_pilots_memberships_groups_organisations_and_declared_figures_keep_history(model):
    assert hasattr(model, "history")
