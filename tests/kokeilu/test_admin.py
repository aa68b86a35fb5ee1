"""The admin works for every model: list, search, add and change pages, with the seeds loaded."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from municipalities.models import Measure, Pilot, SegmentTarget

PROJECT_APPS = {"municipalities", "staffing", "servicepoints"}
MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS),
    key=lambda model: model._meta.label,
)
#: Models the seeds hold no row of (the source documents set no segment target): one is made.
NOT_IN_SEEDS = {
    SegmentTarget: lambda: SegmentTarget.objects.create(
        pilot=Pilot.objects.get(slug="kokkolan-seutu"),
        name="nuoret",
        measure=Measure.UNEMPLOYED_UNDER_25,
        part_label="nuor",
        target_caseload=Decimal("60"),
    ),
}


@pytest.fixture
def seeded_admin(national_areas, client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_project_model_is_in_the_admin():
    from django.apps import apps

    registered = {model._meta.label for model in MODELS}
    expected = {
        model._meta.label
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
        and not model._meta.auto_created
        # edited inline: a membership on the pilot, a scenario's assumptions on the plan
        and model._meta.model_name not in {"pilotmembership", "scenarioassumptions"}
    }
    assert expected <= registered


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_pages_render(seeded_admin, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = seeded_admin.get(changelist, {"q": "a"})
    assert response.status_code == 200
    assert seeded_admin.get(changelist).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert seeded_admin.get(add).status_code == 200
    instance = model.objects.first() or (NOT_IN_SEEDS[model]() if model in NOT_IN_SEEDS else None)
    assert instance is not None, f"the seeds hold no {opts.label}"
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
    response = seeded_admin.get(change)
    assert response.status_code == 200


def test_admin_is_finnish(seeded_admin):
    response = seeded_admin.get(reverse("admin:staffing_staffingplan_changelist"))
    assert "henkilöstösuunnitelma" in response.content.decode().lower()


def test_coordinators_and_managers_cannot_open_the_admin(client, manager):
    client.force_login(manager)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def form_data(form_class, instance) -> dict:
    """What the admin's form of `instance` posts unchanged."""
    form = form_class(instance=instance)
    return {
        name: value
        for name, value in ((name, form[name].value()) for name in form.fields)
        if value is not None
    }


@pytest.mark.django_db
def test_the_admin_refuses_a_line_serving_another_pilots_group(rf, admin_user):
    from staffing.models import Allocation
    from tests.factories.municipalities import MunicipalityGroupFactory
    from tests.factories.staffing import AllocationFactory

    line = AllocationFactory()
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site._registry[Allocation].get_form(request, line)
    data = form_data(form_class, line)
    own = MunicipalityGroupFactory(pilot=line.plan.pilot)
    assert form_class(data={**data, "serves_group": own.pk}, instance=line).is_valid()
    other = MunicipalityGroupFactory()
    form = form_class(data={**data, "serves_group": other.pk}, instance=line)
    assert not form.is_valid()
    assert form.errors["serves_group"] == ["Tämä kuuluu toiseen kokeiluun."]


@pytest.mark.django_db
def test_the_admin_refuses_a_declared_figure_of_another_pilots_plan_pool_or_group(rf, admin_user):
    from staffing.models import DeclaredFigure
    from tests.factories.municipalities import MunicipalityGroupFactory
    from tests.factories.staffing import (
        DeclaredFigureFactory,
        ResourcePoolFactory,
        StaffingPlanFactory,
    )

    figure = DeclaredFigureFactory()
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site._registry[DeclaredFigure].get_form(request, figure)
    data = form_data(form_class, figure)
    pilot = figure.pilot
    own = {
        "plan": StaffingPlanFactory(pilot=pilot).pk,
        "pool": ResourcePoolFactory(plan__pilot=pilot).pk,
        "group": MunicipalityGroupFactory(pilot=pilot).pk,
    }
    form = form_class(data={**data, **own}, instance=figure)
    assert form.is_valid(), form.errors
    others = {
        "plan": StaffingPlanFactory().pk,
        "pool": ResourcePoolFactory().pk,
        "group": MunicipalityGroupFactory().pk,
    }
    for name, pk in others.items():
        form = form_class(data={**data, **own, name: pk}, instance=figure)
        assert not form.is_valid()
        assert form.errors == {name: ["Tämä kuuluu toiseen kokeiluun."]}, name
