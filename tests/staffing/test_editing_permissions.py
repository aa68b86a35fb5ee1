"""Who may open and post every editing URL of a plan: only a coordinator of the plan's pilot
and an admin change data; everyone else is refused and nothing changes."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from staffing import services
from staffing.models import Allocation, StaffingPlan
from tests.staffing.test_editing import build_world, fingerprint, line_data, plan_url

ROLES = ["anonymous", "outsider", "manager", "coordinator", "other_coordinator", "admin"]
ALLOWED = {"coordinator", "admin"}
REFUSED_STATUS = {
    "anonymous": 302,  # to the login page
    "outsider": 404,  # may not even know the pilot exists
    "other_coordinator": 404,
    "manager": 403,  # reads everything, changes nothing
}


@pytest.fixture
def world(db):
    world = build_world()
    # Two recorded states of the line, so that there is an earlier one to restore.
    services.allocation_update(
        allocation=world.line,
        version=1,
        user=world.coordinator,
        fte=Decimal("3"),
        client_work_fte=Decimal("3"),
    )
    services.allocation_update(
        allocation=world.line,
        version=2,
        user=world.coordinator,
        fte=Decimal("2"),
        client_work_fte=Decimal("2"),
    )
    world.line.refresh_from_db()
    world.earlier = Allocation.history.filter(id=world.line.pk, fte=Decimal("3")).get()
    return world


def editing_requests(world):
    """(url name, url, GET status when allowed, POST data, POST status when allowed)."""
    line = world.line
    prefix = f"line-{line.pk}"
    return {
        "staffing:plan-edit": (plan_url("staffing:plan-edit", world), 200, {}, 405),
        "staffing:allocation-create": (
            plan_url("staffing:allocation-create", world),
            200,
            line_data(world, prefix="new"),
            302,
        ),
        "staffing:allocation-edit": (
            plan_url("staffing:allocation-edit", world, pk=line.pk),
            200,
            line_data(world, line, prefix=prefix, fte="1", client_work_fte="1"),
            302,
        ),
        "staffing:allocation-delete": (
            plan_url("staffing:allocation-delete", world, pk=line.pk),
            200,
            {"version": line.version},
            302,
        ),
        "staffing:plan-copy": (
            plan_url("staffing:plan-copy", world),
            200,
            {"name": "Kopio", "kind": StaffingPlan.Kind.SCENARIO},
            302,
        ),
        "staffing:plan-submit": (
            plan_url("staffing:plan-submit", world),
            200,
            {"version": StaffingPlan.objects.get(pk=world.plan.pk).version},
            302,
        ),
        "staffing:allocation-restore": (
            plan_url("staffing:allocation-restore", world, history_id=world.earlier.history_id)
            + "?state=after",
            200,  # the confirm step
            {"version": line.version, "state": "after"},
            302,
        ),
    }


NAMES = [
    "staffing:plan-edit",
    "staffing:allocation-create",
    "staffing:allocation-edit",
    "staffing:allocation-delete",
    "staffing:plan-copy",
    "staffing:plan-submit",
    "staffing:allocation-restore",
]


def login_as(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_get_of_every_editing_url(client, world, name, role):
    url, allowed_status, _data, _post_status = editing_requests(world)[name]
    login_as(client, world, role)
    before = fingerprint()
    response = client.get(url)
    expected = allowed_status if role in ALLOWED else REFUSED_STATUS[role]
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")
    assert fingerprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_post_of_every_editing_url(client, world, name, role):
    url, _get_status, data, allowed_status = editing_requests(world)[name]
    login_as(client, world, role)
    before = fingerprint()
    response = client.post(url, data)
    if role in ALLOWED:
        assert response.status_code == allowed_status
        if allowed_status == 405:
            assert fingerprint() == before
        else:
            assert fingerprint() != before
    else:
        assert response.status_code == REFUSED_STATUS[role]
        assert fingerprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_allowed_posts_do_what_they_say(client, world, role):
    """The matrix above proves something changed; here, that it is the right thing."""
    login_as(client, world, role)
    requests = editing_requests(world)
    url, _status, data, _post = requests["staffing:allocation-restore"]
    client.post(url, data)
    world.line.refresh_from_db()
    assert world.line.fte == Decimal("3")
    assert world.line.history.latest().history_user == getattr(world, role)
    url, _status, data, _post = requests["staffing:plan-copy"]
    client.post(url, data)
    copy = StaffingPlan.objects.get(name="Kopio")
    assert (copy.kind, copy.based_on, copy.allocations.count()) == ("scenario", world.plan, 2)


READ_PAGES = ["staffing:plan-list", "staffing:plan-compare", "staffing:plan-history"]


def read_url(world, name):
    if name == "staffing:plan-history":
        return plan_url(name, world)
    return reverse(name, kwargs={"pilot": world.pilot.slug})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_plan_pages_are_read_by_every_reader_and_post_nothing(client, world, name, role, method):
    login_as(client, world, role)
    before = fingerprint()
    response = getattr(client, method)(read_url(world, name))
    readers = {"manager", "coordinator", "admin"}
    if role in readers:
        assert response.status_code == (200 if method == "get" else 405)
    else:
        assert response.status_code == REFUSED_STATUS[role]
    assert fingerprint() == before


@pytest.mark.django_db
def test_manager_sees_no_editing_links_on_the_read_pages(client, world):
    client.force_login(world.manager)
    for name in READ_PAGES:
        content = client.get(read_url(world, name)).content.decode()
        assert plan_url("staffing:plan-edit", world) not in content
        assert plan_url("staffing:plan-copy", world) not in content
        assert 'data-testid="restore-' not in content
        assert 'data-testid="nav-statistics-edit"' not in content
    client.force_login(world.coordinator)
    content = client.get(read_url(world, "staffing:plan-list")).content.decode()
    assert plan_url("staffing:plan-edit", world) in content
    assert plan_url("staffing:plan-copy", world) in content
    content = client.get(read_url(world, "staffing:plan-history")).content.decode()
    assert f'data-testid="restore-after-{world.earlier.history_id}"' in content
    assert f'data-testid="restore-before-{world.earlier.history_id}"' in content


APPROVE_REFUSED = {
    "anonymous": 302,
    "outsider": 404,
    "other_coordinator": 404,
    "manager": 403,  # reads the pilot, has no approver right
    "coordinator": 403,  # edits the pilot, has no approver right
    "admin": 403,  # grants the right, does not hold it here
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "approver"])
@pytest.mark.parametrize("decision", ["approve", "return"])
def test_only_an_approver_of_the_pilot_approves_or_returns(client, world, role, decision):
    services.plan_submit(plan=world.plan, user=world.coordinator)
    plan = StaffingPlan.objects.get(pk=world.plan.pk)
    url = plan_url("staffing:plan-approve", world)
    login_as(client, world, role)
    before = fingerprint()
    data = {"version": plan.version, "decision": decision, "comment": "Korjaa"}
    get, post = client.get(url), client.post(url, data)
    if role == "approver":
        assert (get.status_code, post.status_code) == (200, 302)
        expected = "approved" if decision == "approve" else "draft"
        assert StaffingPlan.objects.get(pk=plan.pk).status == expected
    else:
        assert get.status_code == post.status_code == APPROVE_REFUSED[role]
        assert fingerprint() == before
