"""Posting a create form twice (a double click, a reload, a second tab) creates once; the
repeat answers with the first result. Two confirms of one import write once and both report
it (issue 14, item 16)."""

import re

import pytest

from core.models import Submission
from municipalities import imports
from municipalities.models import ClientStatistic
from servicepoints.models import Placement, ServiceArrangement, ServicePoint
from staffing.models import Allocation, StaffingPlan
from tests.municipalities.test_import import csv_file, good_csv, import_url, upload
from tests.servicepoints.test_views import point_data, url
from tests.staffing.test_editing import HTMX, build_world, english, line_data, plan_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def token_on(client, path, field="submission") -> str:
    """The one-time token the form on `path` carries."""
    content = client.get(path).content.decode()
    return re.search(rf'name="{field}" value="([0-9a-f-]+)"', content).group(1)


SERVICE_POINT_FORMS = {
    # page: (model, POST data)
    "servicepoints:servicepoint-create": (ServicePoint, lambda area: point_data(area)),
    "servicepoints:placement-create": (
        Placement,
        lambda area: {"role_title": "Sosiaaliohjaaja", "organisation": area.organisation.pk},
    ),
    "servicepoints:arrangement-create": (
        ServiceArrangement,
        lambda area: {
            "kind": "remote",
            "provider_organisation": area.organisation.pk,
            "description": "Etäpalvelu",
        },
    ),
}


@pytest.mark.parametrize("page", SERVICE_POINT_FORMS)
def test_a_service_point_form_posted_twice_creates_once(client, area, coordinator, page):
    model, data = SERVICE_POINT_FORMS[page]
    client.force_login(coordinator)
    path = url(page, area)
    posted = {**data(area), "submission": token_on(client, path)}
    before = model.objects.count()
    first = client.post(path, posted)
    again = client.post(path, posted)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert model.objects.count() == before + 1
    # A new form has a new token: adding another one works.
    second_one = {**data(area), "name": "Toinen piste", "submission": token_on(client, path)}
    assert client.post(path, second_one).status_code == 302
    assert model.objects.count() == before + 2


def test_a_line_added_twice_is_added_once(client, world):
    client.force_login(world.coordinator)
    path = plan_url("staffing:allocation-create", world)
    posted = {
        **line_data(world, prefix="new"),
        "new-submission": token_on(client, path, "new-submission"),
    }
    before = Allocation.objects.filter(plan=world.plan).count()
    first = client.post(path, posted)
    again = client.post(path, posted)
    assert again["Location"] == first["Location"]
    assert Allocation.objects.filter(plan=world.plan).count() == before + 1


def test_a_line_added_twice_with_htmx_answers_like_the_first_and_adds_once(client, world):
    client.force_login(world.coordinator)
    edit_page = plan_url("staffing:plan-edit", world)
    posted = {
        **line_data(world, prefix="new"),
        "new-submission": token_on(client, edit_page, "new-submission"),
    }
    path = plan_url("staffing:allocation-create", world)
    before = Allocation.objects.filter(plan=world.plan).count()
    first = client.post(path, posted, **HTMX)
    again = client.post(path, posted, **HTMX)
    assert first.status_code == again.status_code == 200
    for response in (first, again):
        content = response.content.decode()
        assert 'data-testid="add-line-form"' in content
        assert 'id="plan-lines"' in content  # the lines, out of band
    assert Allocation.objects.filter(plan=world.plan).count() == before + 1
    # The fresh add form has a new token.
    fresh = re.search(r'name="new-submission" value="([0-9a-f-]+)"', again.content.decode())
    assert fresh.group(1) != posted["new-submission"]


def test_a_plan_copied_twice_is_copied_once(client, world):
    client.force_login(world.coordinator)
    path = plan_url("staffing:plan-copy", world)
    posted = {"name": "Kopio", "kind": StaffingPlan.Kind.SCENARIO}
    posted["submission"] = token_on(client, path)
    first = client.post(path, posted)
    again = client.post(path, posted)
    assert again["Location"] == first["Location"]
    assert StaffingPlan.objects.filter(pilot=world.pilot, name="Kopio").count() == 1


def test_a_duplicate_that_passed_the_check_before_the_first_committed_is_rolled_back(
    client, area, coordinator, monkeypatch
):
    """The race: both posts find no recorded token; the later one's insert of the token
    fails on the unique constraint and what it created is rolled back."""
    from core import submissions

    client.force_login(coordinator)
    path = url("servicepoints:servicepoint-create", area)
    posted = {**point_data(area), "submission": token_on(client, path)}
    first = client.post(path, posted)
    looked_up = submissions.previous_result
    calls = []

    def not_yet_committed(token, user):
        calls.append(token)
        return None if len(calls) == 1 else looked_up(token, user)

    monkeypatch.setattr(submissions, "previous_result", not_yet_committed)
    again = client.post(path, posted)
    assert again["Location"] == first["Location"]
    assert ServicePoint.objects.filter(pilot=area.pilot, name=posted["name"]).count() == 1
    assert Submission.objects.count() == 1


def confirm(client, world, token):
    return client.post(import_url(world), {"confirm": "1", "token": token}, follow=True)


@pytest.mark.parametrize("second_checks_first", [True, False])
def test_two_confirms_of_one_import_write_once_and_both_report_it(
    client, world, monkeypatch, second_checks_first
):
    """The second confirm loaded the session before the first one ended, so it still holds
    the preview: it arrives after the first committed (`second_checks_first`) or passed the
    check before that and waits on the token's insert."""
    from municipalities.views import editing

    english(client)
    client.force_login(world.coordinator)
    preview = upload(client, world, csv_file(good_csv(world)))
    token = preview.context["token"]
    key = imports.SESSION_KEY.format(pilot=world.pilot.pk)
    pending = client.session[key]
    first = confirm(client, world, token)
    assert "Imported 3 rows" in first.content.decode()
    records = ClientStatistic.history.count()

    session = client.session
    session[key] = pending
    session.save()
    if not second_checks_first:
        monkeypatch.setattr(editing, "previous_result", lambda token, user: None)
    second = confirm(client, world, token)
    content = second.content.decode()
    assert "The import of asiakkaat.csv (3 rows) was done; it was saved once." in content
    assert "nothing was imported" not in content
    assert second.redirect_chain[-1][0] == first.redirect_chain[-1][0]
    assert ClientStatistic.history.count() == records
