"""Admins set an employment area or pilot up in the product: create it from the national list
(by search or all members of a 2025 area), edit it, end it; with validation and history."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.permissions import COORDINATORS_GROUP
from municipalities.division import division_area
from municipalities.models import (
    Municipality,
    MunicipalityGroup,
    Pilot,
    PilotMembership,
    Region,
)

D = datetime.date
CREATE = reverse("area-create")
AREA_44 = {"009", "208", "483", "535", "746", "977"}  # Alavieska … Ylivieska


def form_data(**overrides):
    data = {
        "name": "Ylivieska-Kalajoki-Nivala",
        "name_sv": "",
        "kind": "area",
        "code": "44",
        "region": str(Region.objects.get(code="MK17").pk),
        "start_date": "2025-01-01",
        "end_date": "",
        "target_caseload": "95,5",
        "description": "",
        "division": "44",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def coordinator(make_user):
    return make_user("alueen-koordinaattori", groups=[COORDINATORS_GROUP])


def test_the_2025_division_comes_from_the_shipped_fixture():
    area = division_area("44")
    assert area.name == "Ylivieska-Kalajoki-Nivala"
    assert set(area.members) == AREA_44
    assert division_area("99") is None


def test_admin_creates_an_area_with_all_members_of_a_2025_area(
    seeded, client, admin_user, coordinator
):
    client.force_login(admin_user)
    response = client.post(CREATE, form_data(coordinators=[coordinator.pk]))
    assert response.status_code == 302, response.context["form"].errors
    pilot = Pilot.objects.get(code="44")
    assert response["Location"] == reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug})
    assert pilot.slug == "ylivieska-kalajoki-nivala"
    assert pilot.kind == "area"
    assert pilot.target_caseload == Decimal("95.5")
    assert pilot.statistical_region.code == "MK17"
    assert pilot.region == "Pohjois-Pohjanmaa"
    assert set(pilot.municipalities.values_list("code", flat=True)) == AREA_44
    assert list(pilot.coordinators.all()) == [coordinator]
    # History: the pilot (with its coordinators) and each membership.
    assert pilot.history.count() >= 1
    assert pilot.history.first().history_user == admin_user
    assert PilotMembership.history.filter(pilot_id=pilot.pk, history_type="+").count() == 6
    # The coordinator now edits it.
    client.force_login(coordinator)
    dashboard = client.get(pilot.get_absolute_url())
    assert dashboard.status_code == 200


def test_a_long_name_gets_a_unique_shortened_address_and_is_told(seeded, client, admin_user):
    client.force_login(admin_user)
    name = "Pohjoisen Keski-Pohjanmaan ja Jokilaaksojen yhteinen työllisyysalue " * 2
    data = form_data(name=name.strip(), code="", division="", members=["563"])
    response = client.post(CREATE, data, follow=True)
    pilot = Pilot.objects.get(name=name.strip())
    assert len(pilot.slug) <= 60 and pilot.slug.startswith("pohjoisen-keski-pohjanmaan")
    text = response.content.decode()
    assert f"/kokeilut/{pilot.slug}/" in text
    assert "shortened" in text or "lyhennetty" in text
    # The same name start again: another address, not a clash.
    pilot.end_date = D(2025, 12, 31)
    pilot.save()
    again = form_data(
        name=name.strip()[:140] + " B",
        code="",
        division="",
        members=["563"],
        start_date="2026-01-01",
    )
    assert client.post(CREATE, again).status_code == 302
    assert Pilot.objects.filter(slug__startswith="pohjoisen-keski-pohjanmaan").count() == 2


def test_overlapping_membership_is_refused_with_a_clear_message(seeded, client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    assert client.post(CREATE, form_data()).status_code == 302
    before = Pilot.objects.count()
    response = client.post(
        CREATE, form_data(name="Toinen alue", code="", division="", members=["977"])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ylivieska is already a member of Ylivieska-Kalajoki-Nivala during 1.1.2025–…" in text
    assert Pilot.objects.count() == before
    # The 2021–24 seed pilot's Ylivieska does not overlap a 2025 area: no message about it.
    assert "Jokilaaksojen" not in text.split("members-errors")[1].split("</div>")[0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2024-12-31"}, "end_date", "The end date cannot be before the start date."),
        ({"target_caseload": "1,000.5"}, "target_caseload", "Enter the target caseload"),
        ({"target_caseload": "95,55"}, "target_caseload", "Enter at most 1 decimals."),
        ({"target_caseload": "0"}, "target_caseload", "greater than zero"),
        ({"start_date": "31.2.2025"}, "start_date", "Enter the date as YYYY-MM-DD or d.m.yyyy."),
        ({"name": "x" * 1001}, "name", "The name is at most 1000 characters (it has 1001)."),
        ({"code": "4444"}, "code", "Ensure this value has at most 3 characters"),
    ],
)
def test_bad_input_changes_nothing(seeded, client, admin_user, overrides, field, message):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    before = (Pilot.objects.count(), PilotMembership.objects.count())
    response = client.post(CREATE, form_data(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert (Pilot.objects.count(), PilotMembership.objects.count()) == before


def test_a_member_not_in_force_during_the_period_is_refused(seeded, client, admin_user):
    Municipality.objects.create(code="588", name_fi="Pertunmaa", valid_to=D(2024, 12, 31))
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(CREATE, form_data(division="", members=["588", "977"]))
    assert response.status_code == 200
    assert "Not in force during the period 1.1.2025–…: Pertunmaa." in response.content.decode()
    assert not Pilot.objects.filter(code="44").exists()


def test_search_keeps_the_checked_members_and_saves_nothing(seeded, client, admin_user):
    client.force_login(admin_user)
    data = form_data(division="", members=["977"], action="search", q="kalaj")
    response = client.post(CREATE, data)
    assert response.status_code == 200
    shown = {m.code: checked for m, checked in response.context["members"]}
    assert shown == {"977": True, "208": False}  # Ylivieska kept, Kalajoki found
    assert not Pilot.objects.filter(code="44").exists()
    assert "alert-danger" not in response.content.decode()
    # "Add the area's members" checks all six.
    response = client.post(CREATE, form_data(action="add_area"))
    checked = {m.code for m, is_checked in response.context["members"] if is_checked}
    assert checked == AREA_44


def test_edit_and_end(seeded, client, admin_user):
    client.force_login(admin_user)
    client.post(CREATE, form_data())
    pilot = Pilot.objects.get(code="44")
    edit = reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug})
    page = client.get(edit)
    assert page.status_code == 200
    assert page.context["form"].initial["name"] == "Ylivieska-Kalajoki-Nivala"
    members = sorted(AREA_44 - {"535"})  # Nivala leaves
    response = client.post(
        edit,
        form_data(name="YKN-alue", division="", members=members, target_caseload="100"),
    )
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert (pilot.name, pilot.slug, pilot.target_caseload) == (
        "YKN-alue",
        "ylivieska-kalajoki-nivala",
        Decimal("100"),
    )
    assert "535" not in set(pilot.municipalities.values_list("code", flat=True))
    end = reverse("municipalities:area-end", kwargs={"pilot": pilot.slug})
    assert client.post(end, {"end_date": "2024-01-01"}).status_code == 200
    pilot.refresh_from_db()
    assert pilot.end_date is None
    assert client.post(end, {"end_date": "2026-12-31"}).status_code == 302
    pilot.refresh_from_db()
    assert pilot.end_date == D(2026, 12, 31)
    history = client.get(edit).context["history"]
    assert [entry.end_date for entry in history][:1] == [D(2026, 12, 31)]
    assert len(history) >= 3
    # After the end, the municipalities are free for a successor.
    successor = form_data(name="Uusi alue", code="", start_date="2027-01-01", division="44")
    assert client.post(CREATE, successor).status_code == 302


def test_only_admins(seeded, client, manager, other_user, coordinator_factory):
    pilot = Pilot.objects.get(slug="jokilaaksot")
    own = coordinator_factory(pilot)
    pages = [
        CREATE,
        reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug}),
        reverse("municipalities:area-end", kwargs={"pilot": pilot.slug}),
    ]
    for url in pages:
        assert client.get(url).status_code == 302  # to the login page
        for user in (manager, own, other_user):
            client.force_login(user)
            assert client.get(url).status_code == 403, (url, user)
            assert client.post(url, form_data()).status_code == 403, (url, user)
        client.logout()
    assert not Pilot.objects.filter(code="44").exists()


def test_admin_adds_a_group_of_the_areas_members(seeded, client, admin_user, manager):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    client.post(CREATE, form_data())
    pilot = Pilot.objects.get(code="44")
    url = reverse("municipalities:area-group-create", kwargs={"pilot": pilot.slug})
    assert client.get(url).status_code == 200
    # Oulainen is not a member of area 44: not offered, so refused.
    response = client.post(url, {"name": "Pohjoinen", "members": ["977", "563"]})
    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    assert not pilot.groups.exists()
    response = client.post(
        url, {"name": "Rannikko", "short_name": "RAN", "members": ["208", "483"]}
    )
    assert response.status_code == 302
    group = pilot.groups.get()
    assert (group.slug, group.short_name) == ("rannikko", "RAN")
    assert sorted(group.members.values_list("code", flat=True)) == ["208", "483"]
    assert group.history.count() >= 1
    page = client.get(reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug}))
    assert "Rannikko" in page.content.decode()
    # A second group of the same name (in any case) would read alike in every line's choice:
    # refused, by the service and by the database.
    response = client.post(url, {"name": "RANNIKKO", "members": ["977"]})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "The pilot already has a group of this name."
    ]
    assert list(pilot.groups.values_list("slug", flat=True)) == ["rannikko"]
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityGroup.objects.create(pilot=pilot, name="rannikko", slug="toinen")
    # Another name whose address name is taken gets its own.
    client.post(url, {"name": "Rannikko!", "members": ["977"]})
    assert sorted(pilot.groups.values_list("slug", flat=True)) == ["rannikko", "rannikko-2"]
    client.force_login(manager)
    assert client.get(url).status_code == 403


def test_admin_names_the_approvers_who_may_approve_the_areas_plans(
    seeded, client, admin_user, coordinator, manager
):
    client.force_login(admin_user)
    response = client.post(CREATE, form_data(coordinators=[coordinator.pk], approvers=[manager.pk]))
    assert response.status_code == 302, response.context["form"].errors
    pilot = Pilot.objects.get(code="44")
    assert list(pilot.approvers.all()) == [manager]
    edit = client.get(reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug}))
    assert edit.context["form"].initial["approvers"] == [manager]
    # Taking the right away is an edit like any other, recorded in the pilot's history.
    data = form_data(coordinators=[coordinator.pk], division="", members=sorted(AREA_44))
    response = client.post(reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug}), data)
    assert response.status_code == 302, response.context["form"].errors
    assert not pilot.approvers.exists()


def test_a_name_of_four_hundred_characters_is_kept_whole(seeded, client, admin_user):
    client.force_login(admin_user)
    name = ("Pohjois-Pohjanmaan eteläisten kuntien yhteinen työllisyysalue " * 7).strip()
    assert len(name) > 400
    data = form_data(name=name, code="", division="", members=["563"])
    response = client.post(CREATE, data)
    assert response.status_code == 302, response.context["form"].errors
    pilot = Pilot.objects.get(slug__startswith="pohjois-pohjanmaan-etelaisten")
    assert pilot.name == name
    assert len(pilot.slug) <= 60


def test_the_areas_coordinator_adds_a_group_from_the_municipalities_page(
    seeded, client, admin_user, coordinator, manager, make_user
):
    client.force_login(admin_user)
    client.post(CREATE, form_data(coordinators=[coordinator.pk]))
    pilot = Pilot.objects.get(code="44")
    members_url = reverse("municipalities:area-members", kwargs={"pilot": pilot.slug})
    url = reverse("municipalities:area-group-create", kwargs={"pilot": pilot.slug})
    client.force_login(coordinator)
    page = client.get(members_url).content.decode()
    assert 'data-testid="group-create-link"' in page and "Ei vielä ryhmiä" in page
    assert client.get(url).status_code == 200
    # Members must be the area's: Oulainen (area 32) is refused, and nothing is written.
    response = client.post(url, {"name": "Pohjoinen", "members": ["977", "563"]})
    assert response.status_code == 200 and "members" in response.context["form"].errors
    assert not pilot.groups.exists()
    response = client.post(url, {"name": "Rannikko", "members": ["208", "483"]})
    assert response.status_code == 302
    assert response["Location"] == f"{members_url}#groups"
    page = client.get(members_url).content.decode()
    assert "<strong>Rannikko</strong>: Kalajoki, Merijärvi" in page
    # Readers see the groups without the link, and may not add one.
    client.force_login(manager)
    page = client.get(members_url).content.decode()
    assert "<strong>Rannikko</strong>" in page and 'data-testid="group-create-link"' not in page
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Manageri", "members": ["977"]}).status_code == 403
    # A coordinator of another pilot does not even see the area's pages.
    other = make_user("muu-koordinaattori", groups=[COORDINATORS_GROUP])
    other_pilot = Pilot.objects.get(slug="kokkolan-seutu")
    other_pilot.coordinators.add(other)
    client.force_login(other)
    assert client.post(url, {"name": "Vieras", "members": ["977"]}).status_code == 404
    assert list(pilot.groups.values_list("name", flat=True)) == ["Rannikko"]
