"""A plan's resource pools in the browser: add, edit and remove them with a decimal comma,
a stale save refused, history kept, nothing changed on a locked plan or by a manager."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from staffing import services
from staffing.models import ResourcePool
from tests.factories.staffing import ResourcePoolFactory
from tests.staffing.test_editing import approve, build_world, english, fingerprint, plan_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def pool_data(world, **overrides):
    data = {
        "name": "Siirtyvä TE-henkilöstö",
        "organisation": world.te.pk,
        "amount": "22,3",
        "step": "0,1",
        "method": "largest_remainder",
        "note": "",
    }
    return {**data, **overrides}


def pools():
    return list(ResourcePool.objects.values_list("name", "amount", "version"))


def test_coordinator_adds_edits_and_removes_a_pool(client, world):
    client.force_login(world.coordinator)
    url = plan_url("staffing:pool-list", world)
    assert url in client.get(plan_url("staffing:plan-edit", world)).content.decode()
    response = client.post(url, pool_data(world))
    assert response.status_code == 302
    pool = ResourcePool.objects.get()
    assert (pool.amount, pool.step, pool.plan, pool.slug) == (
        Decimal("22.3"),
        Decimal("0.1"),
        world.plan,
        "siirtyva-te-henkilosto",
    )
    assert pool.history.get().history_user == world.coordinator
    page = client.get(url).content.decode()
    assert ">22,3</td>" in page
    edit = plan_url("staffing:pool-edit", world, pk=pool.pk)
    form = client.get(edit).content.decode()
    assert 'value="22,3"' in form  # typed back as shown, not "22,300"
    response = client.post(edit, pool_data(world, amount="11,35", version=pool.version))
    assert response.status_code == 302
    pool.refresh_from_db()
    assert (pool.amount, pool.version) == (Decimal("11.35"), 2)
    delete = plan_url("staffing:pool-delete", world, pk=pool.pk)
    assert client.post(delete, {"version": pool.version}).status_code == 302
    assert not ResourcePool.objects.exists()
    assert [r.history_type for r in ResourcePool.history.order_by("history_id")] == ["+", "~", "-"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1,000", "could mean a thousand or one FTE"),
        ("1.000", "could mean a thousand or one FTE"),
        ("kaksi", "Enter a number."),
        ("-1", "A pool&#x27;s FTE cannot be negative."),
        ("", "Enter the pool&#x27;s FTE."),
    ],
)
def test_bad_amounts_are_refused_and_nothing_changes(client, world, amount, message):
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint(), pools()
    response = client.post(plan_url("staffing:pool-list", world), pool_data(world, amount=amount))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (fingerprint(), pools()) == before


def test_pool_amounts_in_finnish(client, world):
    client.force_login(world.coordinator)
    response = client.post(plan_url("staffing:pool-list", world), pool_data(world, amount="1,000"))
    assert "voi tarkoittaa tuhatta tai yhtä henkilötyövuotta" in response.content.decode()


def test_a_stale_pool_edit_is_refused(client, world):
    pool = ResourcePoolFactory(plan=world.plan, organisation=world.te, amount=Decimal("5"))
    client.force_login(world.coordinator)
    english(client)
    edit = plan_url("staffing:pool-edit", world, pk=pool.pk)
    seen = pool.version
    services.pool_update(pool=pool, version=seen, user=world.admin, amount=Decimal("6"))
    response = client.post(edit, pool_data(world, amount="7", version=seen), follow=True)
    assert "Someone else changed this pool" in response.content.decode()
    pool.refresh_from_db()
    assert pool.amount == Decimal("6")
    response = client.post(
        plan_url("staffing:pool-delete", world, pk=pool.pk), {"version": seen}, follow=True
    )
    assert "Someone else changed this pool" in response.content.decode()
    assert ResourcePool.objects.filter(pk=pool.pk).exists()


def test_manager_reads_pools_and_every_write_is_403(client, world):
    pool = ResourcePoolFactory(plan=world.plan, organisation=world.te, amount=Decimal("5"))
    client.force_login(world.manager)
    url = plan_url("staffing:pool-list", world)
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="pool-add-form"' not in page.content.decode()
    assert 'data-testid="pool-edit"' not in page.content.decode()
    before = pools()
    assert client.post(url, pool_data(world)).status_code == 403
    edit = plan_url("staffing:pool-edit", world, pk=pool.pk)
    assert client.get(edit).status_code == 403
    assert client.post(edit, pool_data(world, version=pool.version)).status_code == 403
    delete = plan_url("staffing:pool-delete", world, pk=pool.pk)
    assert client.post(delete, {"version": pool.version}).status_code == 403
    assert pools() == before
    client.force_login(world.admin)
    assert client.post(url, pool_data(world)).status_code == 302


def test_pools_of_a_locked_plan_are_not_changed(client, world):
    pool = ResourcePoolFactory(plan=world.plan, organisation=world.te, amount=Decimal("5"))
    approve(world)
    client.force_login(world.coordinator)
    url = plan_url("staffing:pool-list", world)
    page = client.get(url).content.decode()
    assert 'data-testid="pools-locked"' in page and 'data-testid="pool-add-form"' not in page
    before = pools()
    assert client.post(url, pool_data(world)).status_code == 302
    edit = plan_url("staffing:pool-edit", world, pk=pool.pk)
    assert client.post(edit, pool_data(world, version=pool.version)).status_code == 302
    delete = plan_url("staffing:pool-delete", world, pk=pool.pk)
    assert client.post(delete, {"version": pool.version}).status_code == 302
    assert pools() == before
    with pytest.raises(services.PlanLocked):
        services.pool_create(
            plan=world.plan,
            user=world.admin,
            **{"name": "X", "organisation": world.te, "amount": Decimal("1")},
        )


@pytest.mark.parametrize("extra", [1, 20], ids=["1x", "20x"])
def test_pool_list_query_count_is_constant(client, world, django_assert_num_queries, extra):
    for index in range(extra):
        ResourcePoolFactory(
            plan=world.plan, organisation=world.te, slug=f"p{index}", amount=Decimal("1")
        )
    client.force_login(world.coordinator)
    url = plan_url("staffing:pool-list", world)
    client.get(url)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


def test_the_service_refuses_a_negative_pool_and_a_zero_step(world):
    with pytest.raises(ValidationError) as refused:
        services.pool_create(
            plan=world.plan,
            user=world.coordinator,
            name="X",
            organisation=world.te,
            amount=Decimal("-1"),
            step=Decimal("0"),
        )
    assert set(refused.value.message_dict) == {"amount", "step"}
    assert not ResourcePool.objects.exists()


# --- the pilot's own organisations --------------------------------------------------------------


def test_lines_and_pools_offer_and_accept_only_the_pilots_own_organisations(client, world):
    from tests.factories.staffing import OrganisationFactory

    kallio = OrganisationFactory(name="PPKY Kallio", short_name="PPKY Kallio")
    world.other_pilot.organisations.add(kallio)
    client.force_login(world.coordinator)
    page = client.get(plan_url("staffing:plan-edit", world)).content.decode()
    assert "PPKY Kallio" not in page and ">TE</option>" in page
    assert "PPKY Kallio" not in client.get(plan_url("staffing:pool-list", world)).content.decode()
    before = fingerprint(), pools()
    response = client.post(
        plan_url("staffing:pool-list", world), pool_data(world, organisation=kallio.pk)
    )
    assert "Valitse jokin kokeilun omista organisaatioista" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            plan=world.plan,
            user=world.coordinator,
            service_need=world.s1,
            organisation=kallio,
            role_title="Asiantuntija",
            fte=Decimal("1"),
            client_work_fte=Decimal("1"),
        )
    assert refused.value.message_dict["organisation"] == [
        f"PPKY Kallio ei ole kokeilun {world.pilot} organisaatio. Valitse jokin kokeilun "
        "omista organisaatioista."
    ]
    with pytest.raises(ValidationError):
        services.pool_create(
            plan=world.plan,
            user=world.coordinator,
            name="X",
            organisation=kallio,
            amount=Decimal("1"),
        )
    assert (fingerprint(), pools()) == before


def test_the_seed_pilots_have_their_own_organisations(db):
    from municipalities.models import Pilot
    from tests.conftest import load_seeds

    load_seeds()
    kokkola = Pilot.objects.get(slug="kokkolan-seutu")
    jokilaaksot = Pilot.objects.get(slug="jokilaaksot")
    own = {
        pilot: set(pilot.organisations.values_list("slug", flat=True))
        for pilot in (kokkola, jokilaaksot)
    }
    assert "ppky-kallio" in own[jokilaaksot] and "ppky-kallio" not in own[kokkola]
    assert {"kokkolan-kaupunki", "soite", "te-hallinto"} <= own[kokkola]
    line = kokkola.plans.filter(allocations__isnull=False).first().allocations.first()
    plan = services.plan_create(
        pilot=kokkola, name="Luonnos", valid_from=kokkola.start_date, user=None
    )
    kallio = jokilaaksot.organisations.get(slug="ppky-kallio")
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            plan=plan,
            user=None,
            service_need=line.service_need,
            organisation=kallio,
            role_title="Asiantuntija",
            fte=Decimal("1"),
            client_work_fte=Decimal("1"),
        )
    assert "PPKY Kallio ei ole kokeilun" in refused.value.message_dict["organisation"][0]
    services.allocation_create(
        plan=plan,
        user=None,
        service_need=line.service_need,
        organisation=jokilaaksot.organisations.get(slug="te-hallinto"),
        role_title="Asiantuntija",
        fte=Decimal("1"),
        client_work_fte=Decimal("1"),
    )  # the state TE administration is an organisation of both


def test_an_admin_links_an_organisation_to_a_pilot_in_the_admin(client, world):
    from tests.factories.staffing import OrganisationFactory

    new = OrganisationFactory(name="Uusi kunta", short_name="Uusi")
    client.force_login(world.admin)
    url = f"/admin/staffing/organisation/{new.pk}/change/"
    page = client.get(url)
    assert (
        page.status_code == 200
        and "PilotOrganisation_set" in page.content.decode()
        or ("pilotorganisation" in page.content.decode().lower())
    )
    world.pilot.organisations.add(new)
    assert new in services.pilot_organisations(world.pilot)
