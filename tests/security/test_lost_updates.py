"""Two editors of one service point, schedule, placement or arrangement: the second, saving
from a form opened before the first one saved, is refused and nothing is written, so the
first one's change is never reverted unseen (issue 14, item 6)."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from servicepoints import services
from servicepoints.models import OnDutySchedule, Placement, ServiceArrangement, ServicePoint
from staffing.services import StaleEdit
from tests.factories.servicepoints import ServicePointFactory
from tests.servicepoints.test_views import point_data, url

STALE = "Someone else changed this after you opened it; your change was not saved."


def editor(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def opened_version(client, path) -> str:
    """The version the edit page's form carries in its hidden field."""
    content = client.get(path).content.decode()
    return re.search(r'name="version" value="(\d+)"', content).group(1)


def organisation_data(area, **data):
    return {"organisation": area.organisation.pk, **data}


def provider_data(area, **data):
    return {"kind": "remote", "provider_organisation": area.organisation.pk, **data}


CASES = {
    # page: (record, first editor's data, second editor's data from the older form, check)
    "servicepoints:servicepoint-edit": (
        lambda area: area.point,
        lambda area: point_data(area, name="Alakylän uusi virasto"),
        lambda area: point_data(area, name="Alakylän virasto", street_address="Torikatu 2"),
        lambda point: (point.name, point.street_address) == ("Alakylän uusi virasto", "Asematie 1"),
    ),
    "servicepoints:schedule-edit": (
        lambda area: area.schedule,
        lambda area: {"days_per_week": "4"},
        lambda area: {"days_per_week": "3", "note": "Vanha lomake"},
        lambda schedule: (schedule.days_per_week, schedule.note) == (Decimal("4"), ""),
    ),
    "servicepoints:placement-edit": (
        lambda area: area.placement,
        lambda area: organisation_data(area, role_title="Sosiaaliohjaaja", days_per_week="2"),
        lambda area: organisation_data(
            area, role_title="Omavalmentaja", days_per_week="2", persons="2"
        ),
        lambda placement: (placement.role_title, placement.persons) == ("Sosiaaliohjaaja", None),
    ),
    "servicepoints:arrangement-edit": (
        lambda area: area.remote,
        lambda area: provider_data(area, description="Ensimmäinen"),
        lambda area: provider_data(
            area, description="Psykologi etänä koko alueella", note="Toinen"
        ),
        lambda arrangement: (arrangement.description, arrangement.note) == ("Ensimmäinen", ""),
    ),
}


@pytest.mark.parametrize("page", CASES)
def test_a_save_from_an_older_form_is_refused_and_keeps_the_first_change(area, coordinator, page):
    record_of, first_data, second_data, kept = CASES[page]
    record = record_of(area)
    first, second = editor(coordinator), editor(coordinator)
    path = url(page, area)
    first_version = opened_version(first, path)
    second_version = opened_version(second, path)

    saved = first.post(path, {**first_data(area), "version": first_version})
    assert saved.status_code == 302
    records_before = type(record).history.count()

    refused = second.post(path, {**second_data(area), "version": second_version})
    assert refused.status_code == 200
    content = refused.content.decode()
    assert STALE in content
    assert "Yours (not saved)" in content
    record.refresh_from_db()
    assert kept(record)
    assert type(record).history.count() == records_before
    # The page's fresh form carries the current version: saving again from it works.
    again = second.post(path, {**second_data(area), "version": record.version})
    assert again.status_code == 302


def test_a_first_schedule_from_an_older_form_does_not_replace_the_one_made_meanwhile(
    area, coordinator
):
    point = ServicePointFactory(
        pilot=area.pilot, organisation=area.organisation, municipality=area.alakyla
    )
    path = reverse(
        "servicepoints:schedule-edit", kwargs={"pilot": area.pilot.slug, "point": point.slug}
    )
    first, second = editor(coordinator), editor(coordinator)
    first_version, second_version = opened_version(first, path), opened_version(second, path)
    assert first.post(path, {"weekdays": ["1", "3"], "version": first_version}).status_code == 302
    refused = second.post(path, {"days_per_week": "2", "version": second_version})
    assert STALE in refused.content.decode()
    assert OnDutySchedule.objects.get(service_point=point).weekdays == "13"


@pytest.mark.parametrize(
    ("model", "change"),
    [
        (
            ServicePoint,
            lambda point, version: services.service_point_update(
                point=point, version=version, post_office="Vanha"
            ),
        ),
        (
            Placement,
            lambda placement, version: services.placement_update(
                placement=placement,
                version=version,
                organisation=placement.organisation,
                role_title="Vanha",
            ),
        ),
        (
            ServiceArrangement,
            lambda arrangement, version: services.arrangement_update(
                arrangement=arrangement, version=version, note="Vanha"
            ),
        ),
    ],
)
def test_the_services_refuse_an_older_version_and_write_nothing(area, model, change):
    record = {ServicePoint: area.point, Placement: area.placement}.get(model, area.remote)
    opened = record.version
    change(model.objects.get(pk=record.pk), opened)  # the first editor
    records_before = model.history.count()
    with pytest.raises(StaleEdit) as refused:
        change(model.objects.get(pk=record.pk), opened)  # the second, from the same version
    assert refused.value.current.version == opened + 1
    assert model.history.count() == records_before
    assert model.objects.get(pk=record.pk).version == opened + 1
