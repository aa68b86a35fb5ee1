"""The plan edit page: lines grouped by service need with their parts, the add form, inline
(htmx) and full-page editing, totals and caseload recomputed after every save, and the bad
inputs a coordinator may type."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from core.formatting import format_count
from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from municipalities.models import ClientStatistic, PilotMembership
from staffing import services
from staffing.forms import MAX_PARTS
from staffing.models import Allocation, AllocationPart, StaffingPlan
from staffing.selectors.figures import plan_figures
from tests.dashboard.helpers import table, texts
from tests.factories.municipalities import (
    ClientStatisticFactory,
    MunicipalityFactory,
    MunicipalityGroupFactory,
    PilotFactory,
)
from tests.factories.staffing import (
    AllocationFactory,
    AllocationPartFactory,
    OrganisationFactory,
    ServiceNeedFactory,
    StaffingPlanFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def english(client):
    """The English UI (the Finnish catalogue is filled in later)."""
    client.cookies["django_language"] = "en"
    return client


def make_role_user(username, *, groups=(), superuser=False, pilots=()):
    """A user for `force_login`: no password, so no slow hashing in every test."""
    user = User.objects.create(username=username, is_superuser=superuser, is_staff=superuser)
    # get_or_create: a transactional test elsewhere may have flushed the migration's groups.
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    for pilot in pilots:
        pilot.coordinators.add(user)
    return user


def build_world(make_user=None, *, extra=0):
    """A pilot of three municipalities (one group of two), 600 clients, a draft plan with a
    client-work line (with a part) and a management line; users of every role.

    `extra` adds that many more municipalities, lines and parts (for pinned query counts).
    """
    pilot = PilotFactory(target_caseload=Decimal("100"))
    towns = [MunicipalityFactory(code=f"{900 + i}") for i in range(3)]
    pilot_members = [*towns]
    group = MunicipalityGroupFactory(pilot=pilot, members=towns[1:], name="Seutu")
    PilotMembership.objects.get_or_create(pilot=pilot, municipality=towns[0])
    for town, clients in zip(towns, (100, 200, 300), strict=True):
        ClientStatisticFactory(municipality=town, value=Decimal(clients))
    s1 = ServiceNeedFactory(code="S1", name="Työnvälitys", position=1)
    s4 = ServiceNeedFactory(code="JOHTO", name="Johto", position=9, is_management=True)
    te = OrganisationFactory(name="TE-hallinto", short_name="TE", state=True)
    city = OrganisationFactory(name="Kaupunki", short_name="Kaupunki")
    pilot.organisations.add(te, city)  # the pilot's own organisations
    plan = StaffingPlanFactory(pilot=pilot, name="Suunnitelma 2024", slug="suunnitelma-2024")
    line = AllocationFactory(
        plan=plan,
        position=1,
        service_need=s1,
        organisation=te,
        role_title="Asiantuntija",
        fte=Decimal("4"),
        client_work_fte=Decimal("4"),
    )
    part = AllocationPartFactory(
        allocation=line, position=1, label="josta nuoret", fte=Decimal("1")
    )
    management = AllocationFactory(
        plan=plan,
        position=2,
        service_need=s4,
        organisation=city,
        role_title="Kokeilupäällikkö",
        fte=Decimal("1"),
        client_work_fte=Decimal("0"),
        serves_group=group,
    )
    for index in range(extra):
        town = MunicipalityFactory(code=f"{700 + index:03d}")
        PilotMembership.objects.create(pilot=pilot, municipality=town)
        pilot_members.append(town)
        ClientStatisticFactory(municipality=town, value=Decimal(10))
        need = ServiceNeedFactory()
        org = OrganisationFactory()
        pilot.organisations.add(org)
        extra_line = AllocationFactory(
            plan=plan,
            position=100 + index,
            service_need=need,
            organisation=org,
            fte=Decimal("1"),
            client_work_fte=Decimal("0.5"),
            serves_municipality=town,
        )
        AllocationPartFactory(allocation=extra_line, position=1, fte=Decimal("0.5"))
    other_pilot = PilotFactory()
    make_user = make_user or make_role_user
    approver = make_user("hyvaksyja", groups=[MANAGERS_GROUP])
    pilot.approvers.add(approver)
    return SimpleNamespace(
        pilot=pilot,
        other_pilot=other_pilot,
        towns=towns,
        members=pilot_members,
        group=group,
        s1=s1,
        management_need=s4,
        te=te,
        city=city,
        plan=plan,
        line=line,
        part=part,
        management=management,
        coordinator=make_user("koordinaattori", groups=[COORDINATORS_GROUP], pilots=[pilot]),
        other_coordinator=make_user(
            "toinen-koordinaattori", groups=[COORDINATORS_GROUP], pilots=[other_pilot]
        ),
        manager=make_user("johtaja", groups=[MANAGERS_GROUP]),
        admin=make_user("paakayttaja", superuser=True),
        outsider=make_user("ulkopuolinen"),
        approver=approver,
    )


def approve(world, plan=None):
    """Lock a plan as the product does: the coordinator submits, the approver approves."""
    plan = plan or world.plan
    services.plan_submit(plan=plan, user=world.coordinator)
    return services.plan_approve(plan=plan, user=world.approver)


def url(name, world, **kwargs):
    kwargs.setdefault("pilot", world.pilot.slug)
    return reverse(name, kwargs=kwargs)


def plan_url(name, world, plan=None, **kwargs):
    return url(name, world, plan=(plan or world.plan).slug, **kwargs)


def line_data(world, line=None, *, prefix=None, **overrides):
    """A valid POST of a line's form (the values of `line`, or a new line)."""
    data = {
        "service_need": world.s1.pk,
        "organisation": world.te.pk,
        "role_title": "Uusi asiantuntija",
        "fte": "1,5",
        "client_work_fte": "1,0",
        "serves_municipality": "",
        "serves_group": "",
        "note": "",
    }
    if line is not None:
        data.update(
            service_need=line.service_need_id or "",
            organisation=line.organisation_id,
            role_title=line.role_title,
            fte=str(line.fte).replace(".", ","),
            client_work_fte=str(line.client_work_fte).replace(".", ","),
            serves_municipality=line.serves_municipality_id or "",
            serves_group=line.serves_group_id or "",
            note=line.note,
            version=line.version,
        )
    data.update(overrides)
    if prefix:
        return {f"{prefix}-{key}": value for key, value in data.items()}
    return data


def parts_data(parts, *, total=None, extra=()):
    """The parts formset of the full-page line form."""
    rows = list(parts) + list(extra)
    data = {
        "parts-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "parts-INITIAL_FORMS": str(len(parts)),
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"parts-{index}-{key}"] = value
    return data


@pytest.fixture
def world(db):
    return build_world()


def fingerprint():
    """Everything the editing pages may change, to prove that a refused request changed
    nothing."""
    return (
        sorted(
            Allocation.objects.values_list(
                "pk", "fte", "client_work_fte", "role_title", "service_need", "version"
            )
        ),
        sorted(AllocationPart.objects.values_list("pk", "fte", "label")),
        sorted(StaffingPlan.objects.values_list("pk", "status", "version", "name")),
        sorted(ClientStatistic.objects.values_list("pk", "value", "version")),
        Allocation.history.count(),
        ClientStatistic.history.count(),
    )


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_edit_page_shows_lines_by_service_need_with_parts_and_totals(client, world):
    client.force_login(world.coordinator)
    response = client.get(plan_url("staffing:plan-edit", world))
    assert response.status_code == 200
    content = response.content.decode()
    # Grouped in the service needs' order: S1 before JOHTO, each line under its group.
    assert content.index("S1 Työnvälitys") < content.index("Asiantuntija")
    assert content.index("Asiantuntija") < content.index("JOHTO Johto")
    assert content.index("JOHTO Johto") < content.index("Kokeilupäällikkö")
    assert "josta nuoret" in content
    figures = plan_figures(world.plan)
    assert figures.totals.total.fte == Decimal("5")
    assert figures.caseload.value == Decimal("150")  # 600 clients / 4 client-work FTE
    assert 'data-testid="plan-fte">5,0<' in content
    assert 'data-testid="plan-client-work-fte">4,0<' in content
    assert 'data-testid="plan-caseload">150,0<' in content
    assert 'data-testid="add-line-form"' in content
    assert f'data-testid="edit-line-{world.line.pk}"' in content
    # Over the pilot's target of 100.
    assert 'fs-5 figure-over" data-testid="plan-caseload"' in content


@pytest.mark.django_db
def test_approved_plan_is_shown_locked_with_an_offer_of_a_new_version(client, world):
    StaffingPlan.objects.filter(pk=world.plan.pk).update(status=StaffingPlan.Status.APPROVED)
    client.force_login(world.coordinator)
    english(client)
    content = client.get(plan_url("staffing:plan-edit", world)).content.decode()
    assert 'data-testid="plan-locked"' in content
    assert plan_url("staffing:plan-copy", world) in content
    assert 'data-testid="add-line-form"' not in content
    assert f'data-testid="edit-line-{world.line.pk}"' not in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "staffing:allocation-create",
        "staffing:allocation-edit",
        "staffing:allocation-delete",
        "staffing:plan-submit",
    ],
)
def test_approved_plan_refuses_every_change(client, world, name):
    StaffingPlan.objects.filter(pk=world.plan.pk).update(status=StaffingPlan.Status.APPROVED)
    client.force_login(world.coordinator)
    kwargs = (
        {}
        if name in ("staffing:allocation-create", "staffing:plan-submit")
        else {"pk": world.line.pk}
    )
    target = plan_url(name, world, **kwargs)
    before = fingerprint()
    data = line_data(world, world.line, prefix=None)
    data.update(line_data(world, prefix="new"), version=world.plan.version)
    english(client)
    for method in (client.get, client.post):
        response = method(target, data) if method == client.post else method(target)
        assert response.status_code == 302
        assert response["Location"] == plan_url("staffing:plan-edit", world)
        page = client.get(response["Location"]).content.decode()
        assert "This plan is approved and locked. Make a new version to change it." in page
    assert fingerprint() == before


# --- adding, changing and removing lines without JavaScript -----------------------------------


@pytest.mark.django_db
def test_add_a_line_with_decimal_comma_and_see_new_totals(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        plan_url("staffing:allocation-create", world),
        line_data(world, prefix="new", fte="0,5", client_work_fte="0,5"),
    )
    assert response.status_code == 302
    line = Allocation.objects.get(plan=world.plan, role_title="Uusi asiantuntija")
    assert (line.fte, line.client_work_fte, line.position) == (Decimal("0.5"), Decimal("0.5"), 3)
    assert response["Location"] == plan_url("staffing:plan-edit", world) + f"#line-{line.pk}"
    content = client.get(plan_url("staffing:plan-edit", world)).content.decode()
    # 600 clients / 4,5 client-work FTE = 133,33…
    assert 'data-testid="plan-client-work-fte">4,5<' in content
    assert 'data-testid="plan-caseload">133,3<' in content
    record = line.history.get()
    assert record.history_user == world.coordinator


@pytest.mark.django_db
def test_full_page_create_with_parts(client, world):
    client.force_login(world.coordinator)
    data = line_data(world, prefix="new", fte="2")
    data.update(
        parts_data([], extra=[{"label": "josta nuoret", "fte": "0,5", "shared_with": ""}, {}])
    )
    response = client.post(plan_url("staffing:allocation-create", world), data)
    assert response.status_code == 302
    line = Allocation.objects.get(plan=world.plan, role_title="Uusi asiantuntija")
    assert list(line.parts.values_list("label", "fte")) == [("josta nuoret", Decimal("0.50"))]


@pytest.mark.django_db
def test_full_page_edit_changes_the_line_and_its_parts(client, world):
    client.force_login(world.coordinator)
    page = client.get(plan_url("staffing:allocation-edit", world, pk=world.line.pk))
    assert page.status_code == 200
    assert 'name="parts-0-label"' in page.content.decode()
    data = line_data(
        world, world.line, prefix=f"line-{world.line.pk}", fte="3,5", client_work_fte="3,5"
    )
    data.update(
        parts_data(
            [
                {
                    "id": world.part.pk,
                    "allocation": world.line.pk,
                    "label": "josta nuoret",
                    "fte": "2",
                }
            ],
            extra=[{"label": "josta maahanmuuttajat", "fte": "0,25"}],
        )
    )
    response = client.post(plan_url("staffing:allocation-edit", world, pk=world.line.pk), data)
    assert response.status_code == 302
    world.line.refresh_from_db()
    assert world.line.fte == Decimal("3.5")
    assert world.line.version == 2
    assert sorted(world.line.parts.values_list("label", "fte")) == [
        ("josta maahanmuuttajat", Decimal("0.25")),
        ("josta nuoret", Decimal("2")),
    ]


@pytest.mark.django_db
def test_full_page_edit_removes_a_part(client, world):
    client.force_login(world.coordinator)
    data = line_data(world, world.line, prefix=f"line-{world.line.pk}")
    data.update(
        parts_data(
            [
                {
                    "id": world.part.pk,
                    "allocation": world.line.pk,
                    "label": "josta nuoret",
                    "fte": "1",
                    "DELETE": "on",
                }
            ]
        )
    )
    response = client.post(plan_url("staffing:allocation-edit", world, pk=world.line.pk), data)
    assert response.status_code == 302
    assert not AllocationPart.objects.filter(pk=world.part.pk).exists()


@pytest.mark.django_db
def test_delete_with_confirmation_page(client, world):
    client.force_login(world.coordinator)
    target = plan_url("staffing:allocation-delete", world, pk=world.line.pk)
    english(client)
    page = client.get(target).content.decode()
    assert "Remove this line?" in page and "josta nuoret" in page
    response = client.post(target, {"version": world.line.version})
    assert response.status_code == 302
    assert not Allocation.objects.filter(pk=world.line.pk).exists()
    assert not AllocationPart.objects.filter(pk=world.part.pk).exists()
    assert Allocation.history.filter(id=world.line.pk, history_type="-").get().history_user == (
        world.coordinator
    )


# --- inline editing with htmx ------------------------------------------------------------------


@pytest.mark.django_db
def test_htmx_row_edit_returns_the_row_and_the_totals_out_of_band(client, world):
    client.force_login(world.coordinator)
    target = plan_url("staffing:allocation-edit", world, pk=world.line.pk)
    form = client.get(target, **HTMX).content.decode()
    assert form.lstrip().startswith("<tbody") or f'id="line-{world.line.pk}"' in form
    assert f'hx-post="{target}"' in form
    assert f'name="line-{world.line.pk}-fte"' in form
    assert "<html" not in form
    response = client.post(
        target,
        line_data(
            world, world.line, prefix=f"line-{world.line.pk}", fte="2,5", client_work_fte="2,5"
        ),
        **HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith(f'<tbody id="line-{world.line.pk}"')
    assert 'data-testid="line-fte">2,5<' in content
    # Only the row and the alerts: the page fetches the figures after the swap.
    assert 'id="plan-totals"' not in content
    assert response["HX-Trigger-After-Swap"] == "plan-changed"
    world.line.refresh_from_db()
    assert world.line.fte == Decimal("2.5")
    panels = client.get(plan_url("staffing:plan-panels", world), **HTMX).content.decode()
    # Out of band, wrapped in <template> so no table context can mangle a panel or a row.
    assert '<template>\n<section id="plan-totals"' in panels
    assert 'hx-swap-oob="true"' in panels
    # 600 clients / 2,5 client-work FTE = 240
    assert 'data-testid="plan-caseload">240,0<' in panels
    # The line's service need subtotal row, by its id, computed from the saved line.
    need = world.line.service_need_id
    assert f'<template><tr class="row-group" id="subtotal-{need}" hx-swap-oob="true">' in panels
    row = re.search(f'id="subtotal-{need}".*?</tr>', panels, re.S).group()
    assert re.findall(r'data-testid="subtotal-[a-z-]*fte">([^<]*)<', row) == ["2,5", "2,5"]


@pytest.mark.django_db
def test_htmx_row_save_redraws_the_capacity_panel_out_of_band(client, world):
    client.force_login(world.coordinator)
    page = client.get(plan_url("staffing:plan-edit", world)).content
    assert texts(table(page, "capacity-table")[-1])[2] == "4,0"
    target = plan_url("staffing:allocation-edit", world, pk=world.line.pk)
    data = line_data(
        world, world.line, prefix=f"line-{world.line.pk}", fte="2,5", client_work_fte="2,5"
    )
    client.post(target, data, **HTMX)
    content = client.get(plan_url("staffing:plan-panels", world), **HTMX).content
    assert b'<template>\n<section class="mb-4 dashboard-section" id="capacity"' in content
    assert b'data-testid="capacity" hx-swap-oob="true"' in content
    whole = texts(table(content, "capacity-table")[-1])
    assert whole[1] != ""  # the required figure, not an error
    assert whole[2] == "2,5"


@pytest.mark.django_db
def test_htmx_move_to_another_service_need_redraws_all_lines(client, world):
    client.force_login(world.coordinator)
    target = plan_url("staffing:allocation-edit", world, pk=world.line.pk)
    data = line_data(
        world,
        world.line,
        prefix=f"line-{world.line.pk}",
        service_need=world.management_need.pk,
    )
    response = client.post(target, data, **HTMX)
    assert response["HX-Retarget"] == "#plan-lines"
    assert response.content.decode().lstrip().startswith('<div id="plan-lines"')


@pytest.mark.django_db
def test_htmx_add_returns_a_fresh_form_and_the_lines_out_of_band(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        plan_url("staffing:allocation-create", world),
        line_data(world, prefix="new", role_title="Omavalmentaja"),
        **HTMX,
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="add-line"')
    assert 'id="plan-lines" data-testid="plan-lines" hx-swap-oob="true"' in content
    assert "Omavalmentaja" in content
    assert 'name="new-role_title"' in content and 'value="Omavalmentaja"' not in content


@pytest.mark.django_db
def test_htmx_add_with_errors_returns_the_form_only(client, world):
    client.force_login(world.coordinator)
    before = fingerprint()
    english(client)
    response = client.post(
        plan_url("staffing:allocation-create", world),
        line_data(world, prefix="new", fte="-1"),
        **HTMX,
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="add-line"')
    assert "FTE must be between 0 and 9 999,99." in content
    assert fingerprint() == before


@pytest.mark.django_db
def test_htmx_delete_redraws_the_lines(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        plan_url("staffing:allocation-delete", world, pk=world.management.pk),
        {"version": world.management.version},
        **HTMX,
    )
    assert response["HX-Retarget"] == "#plan-lines"
    assert "Kokeilupäällikkö" not in response.content.decode()
    assert not Allocation.objects.filter(pk=world.management.pk).exists()


# --- bad input: a specific message and nothing saved -------------------------------------------


BAD_LINES = [
    ({"fte": "-1"}, "fte", "FTE must be between 0 and 9 999,99."),
    ({"fte": "10000"}, "fte", "FTE must be between 0 and 9 999,99."),
    ({"fte": "10000,5"}, "fte", "FTE must be between 0 and 9 999,99."),
    ({"fte": "paljon"}, "fte", "Enter the FTE as a number, for example 0,5."),
    ({"fte": ""}, "fte", "Enter the FTE."),
    ({"fte": "0,555"}, "fte", "FTE has at most two decimals, for example 7,55."),
    (
        {"fte": "1", "client_work_fte": "1,5"},
        "client_work_fte",
        "Client-work FTE cannot exceed the line's FTE.",
    ),
    ({"client_work_fte": "-0,5"}, "client_work_fte", "FTE must be between 0 and 9 999,99."),
    ({"organisation": ""}, "organisation", "Choose the organisation."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field", "message"), BAD_LINES)
def test_bad_line_input_gets_a_message_and_changes_nothing(
    client, world, overrides, field, message
):
    client.force_login(world.coordinator)
    before = fingerprint()
    english(client)
    for target, data in (
        (
            plan_url("staffing:allocation-create", world),
            line_data(world, prefix="new", **overrides),
        ),
        (
            plan_url("staffing:allocation-edit", world, pk=world.line.pk),
            line_data(world, world.line, prefix=f"line-{world.line.pk}", **overrides),
        ),
    ):
        response = client.post(target, data)
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors[field] == [message]
        assert message.replace("'", "&#x27;") in response.content.decode()
    assert fingerprint() == before


@pytest.mark.django_db
def test_part_above_its_line_gets_a_message_and_changes_nothing(client, world):
    client.force_login(world.coordinator)
    before = fingerprint()
    data = line_data(world, world.line, prefix=f"line-{world.line.pk}", fte="2")
    data.update(
        parts_data(
            [
                {
                    "id": world.part.pk,
                    "allocation": world.line.pk,
                    "label": "josta nuoret",
                    "fte": "3",
                }
            ]
        )
    )
    english(client)
    response = client.post(plan_url("staffing:allocation-edit", world, pk=world.line.pk), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[0].errors["fte"] == [
        "An “of which” part cannot be more than its line's FTE."
    ]
    assert fingerprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("total", [str(MAX_PARTS + 1), "9" * 40])
def test_a_part_count_above_the_cap_is_refused_without_building_the_forms(client, world, total):
    """A posted TOTAL_FORMS is read only up to MAX_PARTS: 10^40 once built and rendered
    thousands of empty part forms (14 s, 3,8 MB) before the formset's own cap."""
    client.force_login(world.coordinator)
    before = fingerprint()
    data = line_data(world, world.line, prefix=f"line-{world.line.pk}")
    data.update(parts_data([], total=total))
    english(client)
    response = client.post(plan_url("staffing:allocation-edit", world, pk=world.line.pk), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) <= MAX_PARTS
    assert formset.non_form_errors() == [f"A line can have at most {MAX_PARTS} “of which” parts."]
    assert f"A line can have at most {MAX_PARTS} “of which” parts." in response.content.decode()
    assert fingerprint() == before


@pytest.mark.django_db
def test_shrinking_a_line_below_an_unchanged_part_is_refused(client, world):
    """The inline form sends no parts: the existing part (1 FTE) must still fit the line."""
    client.force_login(world.coordinator)
    before = fingerprint()
    english(client)
    response = client.post(
        plan_url("staffing:allocation-edit", world, pk=world.line.pk),
        line_data(
            world,
            world.line,
            prefix=f"line-{world.line.pk}",
            fte="0,5",
            client_work_fte="0,5",
        ),
        **HTMX,
    )
    assert "would be more than the line&#x27;s FTE" in response.content.decode()
    assert fingerprint() == before


@pytest.mark.django_db
def test_municipality_of_another_pilot_is_not_offered_nor_accepted(client, world):
    stranger = MunicipalityFactory(code="555")
    client.force_login(world.coordinator)
    before = fingerprint()
    response = client.post(
        plan_url("staffing:allocation-create", world),
        line_data(world, prefix="new", serves_municipality=stranger.pk),
    )
    assert response.status_code == 200
    assert "serves_municipality" in response.context["form"].errors
    assert fingerprint() == before


@pytest.mark.django_db
def test_role_title_with_markup_is_stored_as_typed_and_shown_escaped(client, world):
    client.force_login(world.coordinator)
    title = '<script>alert("x")</script><b>Päällikkö</b>'
    client.post(
        plan_url("staffing:allocation-create", world),
        line_data(world, prefix="new", role_title=title),
    )
    line = Allocation.objects.get(plan=world.plan, position=3)
    assert line.role_title == title
    content = client.get(plan_url("staffing:plan-edit", world)).content.decode()
    assert title not in content
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Päällikkö&lt;/b&gt;" in content
    )


# --- no lost updates ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_stale_save_is_refused_and_the_newer_data_kept(client, world, htmx):
    second = make_role_user("toinen", groups=[COORDINATORS_GROUP], pilots=[world.pilot])
    first_client, second_client = client, type(client)()
    first_client.force_login(world.coordinator)
    second_client.force_login(second)
    extra = HTMX if htmx else {}
    target = plan_url("staffing:allocation-edit", world, pk=world.line.pk)
    prefix = f"line-{world.line.pk}"
    # Both open the line at version 1.
    opened = line_data(world, world.line, prefix=prefix)
    assert opened[f"{prefix}-version"] == 1
    response = first_client.post(
        target, {**opened, f"{prefix}-fte": "3", f"{prefix}-client_work_fte": "3"}, **extra
    )
    assert response.status_code in (200, 302)
    english(second_client)
    response = second_client.post(
        target,
        {
            **opened,
            f"{prefix}-fte": "2",
            f"{prefix}-client_work_fte": "2",
            f"{prefix}-role_title": "Vanha",
        },
        **extra,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "Someone else changed this line after you opened it; your change was not saved. "
        "The current values are shown."
    ) in content
    world.line.refresh_from_db()
    assert (world.line.fte, world.line.role_title, world.line.version) == (
        Decimal("3"),
        "Asiantuntija",
        2,
    )
    # The form now holds the current values and version, and what the user tried is listed.
    form = response.context["form"]
    assert form.initial["version"] == 2
    assert form.instance.fte == Decimal("3")
    assert ("Role", "Vanha", "Asiantuntija") in [
        (str(label), yours, current) for label, yours, current in response.context["your_values"]
    ]
    # Saving again from the refreshed form works.
    again = line_data(world, world.line, prefix=prefix, fte="2", client_work_fte="2")
    assert second_client.post(target, again, **extra).status_code in (200, 302)
    world.line.refresh_from_db()
    assert (world.line.fte, world.line.version) == (Decimal("2"), 3)


@pytest.mark.django_db
def test_stale_delete_is_refused(client, world):
    client.force_login(world.coordinator)
    target = plan_url("staffing:allocation-delete", world, pk=world.line.pk)
    Allocation.objects.filter(pk=world.line.pk).update(version=5)
    english(client)
    response = client.post(target, {"version": 1}, follow=True)
    assert "Someone else changed this line after you opened it" in response.content.decode()
    assert Allocation.objects.filter(pk=world.line.pk).exists()


@pytest.mark.django_db
def test_edit_of_a_deleted_line_says_so(client, world):
    client.force_login(world.coordinator)
    target = plan_url("staffing:allocation-edit", world, pk=world.line.pk)
    data = line_data(world, world.line, prefix=f"line-{world.line.pk}")
    world.line.delete()
    assert client.post(target, data).status_code == 404


@pytest.mark.django_db
def test_htmx_row_save_to_another_organisation_keeps_history_and_the_row_shows_it(client, world):
    """The inline save takes the unchanged choices from the line it read, looks up the changed
    one, raises the version once and records who changed what."""
    client.force_login(world.coordinator)
    target = plan_url("staffing:allocation-edit", world, pk=world.line.pk)
    data = line_data(
        world,
        world.line,
        prefix=f"line-{world.line.pk}",
        organisation=world.city.pk,
        serves_municipality=world.towns[0].pk,
        note="Uusi",
    )
    content = client.post(target, data, **HTMX).content.decode()
    assert f"<td>{world.city}</td>" in content
    assert f"<td>{world.towns[0]}</td>" in content
    assert 'data-version="2"' in content
    assert "josta nuoret" in content  # the part, read with the line
    world.line.refresh_from_db()
    assert (world.line.organisation, world.line.serves_municipality, world.line.version) == (
        world.city,
        world.towns[0],
        2,
    )
    record = world.line.history.first()
    assert (record.history_user, record.organisation_id, record.note) == (
        world.coordinator,
        world.city.pk,
        "Uusi",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        *BAD_LINES,
        ({"organisation": "999999"}, "organisation", None),  # gone: the form's own message
        ({"fte": "0,5", "client_work_fte": "0,4"}, None, None),  # below the part of 1,0
    ],
)
def test_refused_htmx_row_save_changes_nothing(client, world, overrides, field, message):
    """Refused by the form, the model's rules or the part-within-line rule over htmx: the row
    form comes back with the message, and neither the line, its version nor its history
    changed."""
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint(), world.line.history.count()
    target = plan_url("staffing:allocation-edit", world, pk=world.line.pk)
    data = line_data(world, world.line, prefix=f"line-{world.line.pk}", **overrides)
    response = client.post(target, data, **HTMX)
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_valid() or form.errors
    if field is not None:
        assert field in form.errors
        if message is not None:
            assert form.errors[field] == [message]
    # The row form shows the line as saved, not the refused values.
    assert response.context["line"].fte == Decimal("4")
    assert (fingerprint(), world.line.history.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["missing", "other-plan"])
def test_a_reader_who_may_not_edit_gets_403_for_any_line_address(client, world, address):
    """The edit right is checked before the line is looked for: a manager (reads every pilot,
    edits none) is refused every line address alike, whether the line is there or not."""
    other = StaffingPlanFactory(pilot=world.pilot, name="Toinen", slug="toinen")
    pk = 999999 if address == "missing" else AllocationFactory(plan=other, position=1).pk
    client.force_login(world.manager)
    assert client.get(plan_url("staffing:allocation-edit", world, pk=pk)).status_code == 403


@pytest.mark.django_db
def test_a_missing_line_of_a_locked_plan_sends_to_the_plan_like_any_other(client, world):
    approve(world)
    client.force_login(world.coordinator)
    response = client.get(plan_url("staffing:allocation-edit", world, pk=999999))
    assert response.status_code == 302
    assert response["Location"] == plan_url("staffing:plan-edit", world)


@pytest.mark.django_db
def test_a_missing_line_of_an_editable_plan_is_404(client, world):
    client.force_login(world.coordinator)
    assert client.get(plan_url("staffing:allocation-edit", world, pk=999999)).status_code == 404
    line = plan_url("staffing:allocation-edit", world, pk=999999)
    assert client.post(line, {}, **HTMX).status_code == 404


# --- pinned query counts ------------------------------------------------------------------------

EDIT_PAGE_QUERIES = 23  # the statistics once for the totals and the capacity panel
ROW_FORM_QUERIES = 10  # the line, its plan and pilot in one query; no transaction around it
ROW_SAVE_QUERIES = 12  # claimed by its own UPDATE; the page then fetches the panels
PANELS_QUERIES = 17  # the totals, subtotals and capacity the page fetches after a row save
LINE_PAGE_QUERIES = 13


def _queries_of(client, django_assert_num_queries, number, method, target, data=None, **extra):
    with django_assert_num_queries(number):
        response = getattr(client, method)(target, data or {}, **extra)
    assert response.status_code in (200, 302)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
def test_edit_page_query_count_is_constant(client, django_assert_num_queries, extra):
    world = build_world(extra=extra)
    client.force_login(world.coordinator)
    _queries_of(
        client,
        django_assert_num_queries,
        EDIT_PAGE_QUERIES,
        "get",
        plan_url("staffing:plan-edit", world),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
def test_inline_row_form_and_save_query_counts_are_constant(
    client, django_assert_num_queries, extra
):
    world = build_world(extra=extra)
    client.force_login(world.coordinator)
    target = plan_url("staffing:allocation-edit", world, pk=world.line.pk)
    _queries_of(client, django_assert_num_queries, ROW_FORM_QUERIES, "get", target, **HTMX)
    data = line_data(world, world.line, prefix=f"line-{world.line.pk}", fte="4,5")
    _queries_of(client, django_assert_num_queries, ROW_SAVE_QUERIES, "post", target, data, **HTMX)
    panels = plan_url("staffing:plan-panels", world)
    _queries_of(client, django_assert_num_queries, PANELS_QUERIES, "get", panels, **HTMX)


@pytest.mark.django_db
@pytest.mark.parametrize("parts", [1, 20], ids=["small", "20x"])
def test_full_page_line_form_query_count_is_constant(client, django_assert_num_queries, parts):
    world = build_world(extra=parts)  # more lines, municipalities and service needs too
    for position in range(2, parts + 1):
        AllocationPartFactory(allocation=world.line, position=position, fte=Decimal("0.5"))
    client.force_login(world.coordinator)
    with django_assert_num_queries(LINE_PAGE_QUERIES):
        response = client.get(plan_url("staffing:allocation-edit", world, pk=world.line.pk))
    assert len(response.context["formset"].forms) == parts + 1


@pytest.mark.django_db
def test_the_totals_card_shows_the_clients_each_organisation_serves_not_a_caseload(client, world):
    client.force_login(world.coordinator)
    page = client.get(plan_url("staffing:plan-edit", world)).content
    rows = table(page, "totals-by-organisation")
    assert texts(rows[0]) == [
        "Organisaatio",
        "HTV",
        "Asiakastyö",
        "Sen rivien palvelemat asiakkaat",
    ]
    figures = plan_figures(world.plan)
    by_name = {str(row.organisation): row for row in figures.organisation_caseloads}
    for row in rows[1:-1]:
        name, _fte, _cw, clients = texts(row)
        assert clients == format_count(by_name[name].clients)
    assert texts(rows[-1])[-1] == format_count(figures.client_total)
    assert "Organisaatiolle ei lasketa asiakasmäärää" in page.decode()
