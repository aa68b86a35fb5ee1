"""A pilot's own organisations, managed on kokeilut/<pilot>/organisaatiot/: who may change the
list, what is refused and why, its history, its query count, and that the list still scopes
what lines offer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.history import parse_reason
from core.permissions import COORDINATORS_GROUP
from municipalities.models import Pilot
from staffing import services
from staffing.models import Organisation, PilotOrganisation
from staffing.services.organisations import (
    ORGANISATION_ADDED,
    ORGANISATION_CREATED,
    ORGANISATION_REMOVED,
)
from tests.factories.municipalities import PilotFactory
from tests.factories.servicepoints import ServicePointFactory
from tests.factories.staffing import (
    AllocationFactory,
    DeclaredFigureFactory,
    OrganisationFactory,
    ResourcePoolFactory,
    StaffingPlanFactory,
)


def page(pilot):
    return reverse("pilot-organisations", kwargs={"pilot": pilot.slug})


def add_url(pilot):
    return reverse("pilot-organisation-add", kwargs={"pilot": pilot.slug})


def create_url(pilot):
    return reverse("pilot-organisation-create", kwargs={"pilot": pilot.slug})


def remove_url(pilot, organisation):
    return reverse("pilot-organisation-remove", kwargs={"pilot": pilot.slug, "pk": organisation.pk})


@pytest.fixture
def pilot(db):
    pilot = PilotFactory(slug="testikokeilu", name="Testikokeilu")
    pilot.organisations.add(OrganisationFactory(name="Alakylän kunta"))
    return pilot


@pytest.fixture
def coordinator(coordinator_factory, pilot):
    return coordinator_factory(pilot)


@pytest.fixture
def approver(make_user, pilot):
    user = make_user("hyvaksyja")
    pilot.approvers.add(user)
    return user


def listed(pilot):
    return list(
        PilotOrganisation.objects.filter(pilot=pilot).values_list("organisation__name", flat=True)
    )


# --- rights -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "admin_user"])
def test_coordinator_and_admin_see_the_edit_controls(client, request, pilot, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(page(pilot))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alakylän kunta" in html
    for testid in ("add-form", "create-form", "remove-organisation"):
        assert f'data-testid="{testid}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager", "approver"])
def test_readers_see_no_edit_controls_and_every_write_is_403(client, request, pilot, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(page(pilot))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alakylän kunta" in html
    for testid in ("add-form", "create-form", "remove-organisation"):
        assert f'data-testid="{testid}"' not in html
    other = OrganisationFactory()
    listed_one = Organisation.objects.get(name="Alakylän kunta")
    assert client.post(add_url(pilot), {"organisation": other.pk}).status_code == 403
    assert client.post(create_url(pilot), {"name": "Uusi", "kind": "other"}).status_code == 403
    assert client.post(remove_url(pilot, listed_one)).status_code == 403
    assert listed(pilot) == ["Alakylän kunta"]
    assert not Organisation.objects.filter(name="Uusi").exists()


@pytest.mark.django_db
def test_coordinator_of_another_pilot_may_not_see_or_change_it(client, coordinator_factory, pilot):
    other_pilot = PilotFactory()
    client.force_login(coordinator_factory(other_pilot, username="naapuri"))
    assert client.get(page(pilot)).status_code == 404
    response = client.post(add_url(pilot), {"organisation": OrganisationFactory().pk})
    assert response.status_code == 404
    assert listed(pilot) == ["Alakylän kunta"]


@pytest.mark.django_db
def test_the_page_needs_a_login(client, pilot):
    response = client.get(page(pilot))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- adding and creating ------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_adds_an_existing_organisation_with_history(client, coordinator, pilot):
    other = OrganisationFactory(name="Yläkylän kunta")
    client.force_login(coordinator)
    response = client.post(add_url(pilot), {"organisation": other.pk})
    assert response.status_code == 302
    assert sorted(listed(pilot)) == ["Alakylän kunta", "Yläkylän kunta"]
    record = PilotOrganisation.history.get(pilot_id=pilot.pk, organisation_id=other.pk)
    assert record.history_user == coordinator
    assert parse_reason(record.history_change_reason) == (ORGANISATION_ADDED, {})
    shown = client.get(page(pilot)).content.decode()
    assert "Yläkylän kunta lisätty (Lisätty luetteloon)" in shown


@pytest.mark.django_db
def test_the_add_choice_offers_only_those_not_yet_listed_and_searches(client, coordinator, pilot):
    OrganisationFactory(name="Yläkylän kunta")
    OrganisationFactory(name="Keskikylän seurakunta")
    client.force_login(coordinator)
    choices = client.get(page(pilot)).context["add_form"].fields["organisation"].queryset
    assert [o.name for o in choices] == ["Keskikylän seurakunta", "Yläkylän kunta"]
    searched = client.get(page(pilot), {"q": "yläk"}).context["add_form"]
    assert [o.name for o in searched.fields["organisation"].queryset] == ["Yläkylän kunta"]


@pytest.mark.django_db
def test_adding_one_already_listed_is_refused_with_a_message(client, coordinator, pilot):
    listed_one = Organisation.objects.get(name="Alakylän kunta")
    client.force_login(coordinator)
    response = client.post(add_url(pilot), {"organisation": listed_one.pk})
    assert response.status_code == 400
    assert "jo luettelossa" in response.content.decode()
    assert listed(pilot) == ["Alakylän kunta"]


@pytest.mark.django_db
def test_adding_nothing_is_refused_with_a_message(client, coordinator, pilot):
    client.force_login(coordinator)
    response = client.post(add_url(pilot), {"organisation": ""})
    assert response.status_code == 400
    assert "Valitse lisättävä organisaatio." in response.content.decode()


@pytest.mark.django_db
def test_coordinator_creates_a_new_organisation_on_the_list(client, coordinator, pilot):
    client.force_login(coordinator)
    response = client.post(
        create_url(pilot),
        {"name": "  Keskikylän työllisyyspalvelut ", "short_name": "KTP", "kind": "municipality"},
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Keskikylän työllisyyspalvelut")
    assert (created.short_name, created.kind, created.slug) == (
        "KTP",
        "municipality",
        "keskikylan-tyollisyyspalvelut",
    )
    assert sorted(listed(pilot)) == ["Alakylän kunta", "Keskikylän työllisyyspalvelut"]
    record = created.history.get()
    assert record.history_user == coordinator
    assert parse_reason(record.history_change_reason) == (
        ORGANISATION_CREATED,
        {"pilot": pilot.pk},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": "other"}, "Anna organisaatiolle nimi."),
        ({"name": "   ", "kind": "other"}, "Anna organisaatiolle nimi."),
        ({"name": "Uusi", "kind": ""}, "Valitse organisaation laji."),
        ({"name": "Uusi", "kind": "alien"}, "Valitse oikea vaihtoehto."),
        ({"name": "x" * 151, "kind": "other"}, "enintään 150 merkkiä"),
        ({"name": "Alakylän kunta", "kind": "other"}, "Alakylän kunta on jo olemassa"),
    ],
)
def test_bad_new_organisations_are_refused_with_a_message(
    client, coordinator, pilot, data, message
):
    client.force_login(coordinator)
    before = Organisation.objects.count()
    response = client.post(create_url(pilot), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Organisation.objects.count() == before
    assert listed(pilot) == ["Alakylän kunta"]


@pytest.mark.django_db
def test_the_name_taken_by_another_pilots_organisation_is_refused_too(pilot):
    OrganisationFactory(name="Naapurin kunta")
    with pytest.raises(ValidationError, match="on jo olemassa"):
        services.organisation_create(pilot=pilot, name="Naapurin kunta", kind="other", user=None)


# --- removing -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unused_organisation_is_removed_with_history(client, coordinator, pilot):
    organisation = Organisation.objects.get(name="Alakylän kunta")
    client.force_login(coordinator)
    response = client.post(remove_url(pilot, organisation), follow=True)
    assert "Alakylän kunta poistettiin luettelosta." in response.content.decode()
    assert listed(pilot) == []
    assert Organisation.objects.filter(pk=organisation.pk).exists()  # other pilots may use it
    record = PilotOrganisation.history.get(history_type="-")
    assert record.history_user == coordinator
    assert parse_reason(record.history_change_reason) == (ORGANISATION_REMOVED, {})


@pytest.mark.django_db
def test_removal_is_refused_while_lines_pools_or_service_points_use_it(client, coordinator, pilot):
    organisation = Organisation.objects.get(name="Alakylän kunta")
    plan = StaffingPlanFactory(pilot=pilot)
    AllocationFactory.create_batch(2, plan=plan, organisation=organisation)
    ResourcePoolFactory(plan=plan, organisation=organisation)
    ServicePointFactory(pilot=pilot, organisation=organisation)
    client.force_login(coordinator)
    response = client.post(remove_url(pilot, organisation), follow=True)
    html = response.content.decode()
    assert (
        "Organisaatiota Alakylän kunta ei voi poistaa luettelosta, koska Testikokeilu käyttää sitä "
        "vielä: 2 riviä, 1 resurssipooli, 1 toimipiste. Muuta tai poista ne ensin."
    ) in html
    assert listed(pilot) == ["Alakylän kunta"]
    row = response.context["rows"].get(pk=organisation.pk)
    assert (row.line_count, row.point_count) == (2, 1)


@pytest.mark.django_db
def test_lines_of_another_pilot_do_not_stop_the_removal(client, coordinator, pilot):
    organisation = Organisation.objects.get(name="Alakylän kunta")
    other = PilotFactory()
    other.organisations.add(organisation)
    AllocationFactory(plan=StaffingPlanFactory(pilot=other), organisation=organisation)
    client.force_login(coordinator)
    client.post(remove_url(pilot, organisation))
    assert listed(pilot) == []
    assert PilotOrganisation.objects.filter(pilot=other).count() == 1


@pytest.mark.django_db
def test_removing_one_not_on_the_list_is_404(client, coordinator, pilot):
    client.force_login(coordinator)
    assert client.post(remove_url(pilot, OrganisationFactory())).status_code == 404


# --- scoping, languages, queries ----------------------------------------------------------------


def test_a_kokkola_line_still_cannot_use_ppky_kallio(seeded, client, make_user):
    kokkola = Pilot.objects.get(slug="kokkolan-seutu")
    kallio = Organisation.objects.get(slug="ppky-kallio")
    coordinator = make_user("kokkola-k", groups=[COORDINATORS_GROUP], pilots=[kokkola])
    client.force_login(coordinator)
    response = client.get(page(kokkola))
    assert "Peruspalvelukuntayhtymä Kallio" not in [r.name for r in response.context["rows"]]
    assert kallio in response.context["add_form"].fields["organisation"].queryset
    with pytest.raises(ValidationError, match="ei ole kokeilun"):
        services.check_pilot_organisation(kallio.pk, kokkola.pk)
    # Once a Kokkola coordinator adds it, the line may name it.
    client.post(add_url(kokkola), {"organisation": kallio.pk})
    services.check_pilot_organisation(kallio.pk, kokkola.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "remove"),
    [
        ("fi", "Lisää olemassa oleva organisaatio", "Poista luettelosta"),
        ("sv", "Lägg till en befintlig organisation", "Ta bort från listan"),
        ("en", "Add an existing organisation", "Remove from the list"),
    ],
)
def test_the_page_speaks_three_languages(client, coordinator, pilot, language, heading, remove):
    client.force_login(coordinator)
    client.cookies["django_language"] = language
    html = client.get(page(pilot)).content.decode()
    assert heading in html
    assert remove in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "manager"])
def test_query_count_is_pinned_and_constant(client, request, pilot, who, django_assert_num_queries):
    user = request.getfixturevalue(who)
    client.force_login(user)
    queries = 10 if who == "coordinator" else 8
    with django_assert_num_queries(queries):
        assert client.get(page(pilot)).status_code == 200
    plan = StaffingPlanFactory(pilot=pilot)
    for _ in range(20):
        organisation = OrganisationFactory()
        services.pilot_organisation_add(pilot=pilot, organisation=organisation, user=user)
        AllocationFactory.create_batch(2, plan=plan, organisation=organisation)
        ServicePointFactory(pilot=pilot, organisation=organisation)
        OrganisationFactory()  # offered in the add choice
    client.force_login(user)
    with django_assert_num_queries(queries):
        assert client.get(page(pilot)).status_code == 200


@pytest.mark.django_db
def test_the_area_set_up_and_the_pilot_tabs_link_to_the_page(client, admin_user, pilot):
    client.force_login(admin_user)
    setup = client.get(reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug}))
    assert f'href="{page(pilot)}" data-testid="organisations-link"' in setup.content.decode()
    assert f'href="{page(pilot)}" data-testid="nav-organisations"' in setup.content.decode()
    created = client.get(reverse("area-create")).content.decode()
    assert "Tallennuksen jälkeen asetussivulla on linkki alueen organisaatioihin" in created


@pytest.mark.django_db
def test_the_counts_link_to_the_filtered_lists(client, coordinator, pilot):
    organisation = Organisation.objects.get(name="Alakylän kunta")
    line = AllocationFactory(plan=StaffingPlanFactory(pilot=pilot), organisation=organisation)
    AllocationFactory(plan=line.plan, organisation=OrganisationFactory())  # another's
    ServicePointFactory(pilot=pilot, organisation=organisation)
    client.force_login(coordinator)
    html = client.get(page(pilot)).content.decode()
    lines_url = reverse("staffing:allocation-list", kwargs={"pilot": pilot.slug})
    points_url = reverse("servicepoints:servicepoint-list", kwargs={"pilot": pilot.slug})
    assert f'href="{lines_url}?organisation={organisation.slug}"' in html
    assert f'href="{points_url}?organisation={organisation.pk}"' in html
    listed_lines = client.get(lines_url, {"organisation": organisation.slug}).context["table"]
    assert [row.record.pk for row in listed_lines.rows] == [line.pk]


@pytest.mark.django_db
def test_an_area_reads_as_an_area(client, admin_user):
    area = PilotFactory(kind=Pilot.Kind.AREA, end_date=None)
    client.force_login(admin_user)
    html = client.get(page(area)).content.decode()
    assert "Alueen omat organisaatiot" in html
    assert "Alueella ei ole vielä organisaatioita." in html
    assert "Kokeilu" not in html.split("<h1")[1].split("Luettelon muutokset")[0]


@pytest.mark.django_db
def test_removal_is_refused_while_a_declared_figure_names_it(client, coordinator, pilot):
    organisation = Organisation.objects.get(name="Alakylän kunta")
    DeclaredFigureFactory(pilot=pilot, organisation=organisation)
    client.force_login(coordinator)
    html = client.post(remove_url(pilot, organisation), follow=True).content.decode()
    assert "käyttää sitä vielä: 1 ilmoitettu luku." in html
    assert listed(pilot) == ["Alakylän kunta"]
