"""The pilots' revisions (core.revision): a write to a pilot's own rows raises that pilot's
revision (and the one every write raises) and no other pilot's; a write to what every pilot
shows raises the shared revision; a kept page of one pilot stays kept while another pilot is
written and is renewed by a write to its own rows.

Transactional, as tests/core/test_page_cache.py: the revisions are raised when a write commits
(on PostgreSQL by deferred triggers at the commit itself)."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import revision
from core.models import PilotRevision, Revision
from municipalities.models import ClientStatistic, Measure, PilotMembership
from staffing.models import Allocation, CapacityRuleSet, Organisation
from tests.factories.municipalities import (
    MunicipalityFactory,
    MunicipalityGroupFactory,
    PilotFactory,
)
from tests.factories.servicepoints import OnDutyScheduleFactory, ServicePointFactory
from tests.factories.staffing import (
    AllocationFactory,
    AllocationPartFactory,
    CapacityRuleSetFactory,
    StaffingPlanFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def tables_of_models() -> dict[str, object]:
    return {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in revision.APP_LABELS
    }


def test_every_revised_table_is_a_pilots_or_shared_and_names_its_pilot_by_a_column_it_has():
    revised = set(revision.revised_tables())
    pilots, shared = set(revision.PILOT_TABLES), set(revision.SHARED_TABLES)
    assert not pilots & shared
    assert revised == pilots | shared, (revised - pilots - shared, (pilots | shared) - revised)
    models = tables_of_models()
    for table, via in revision.PILOT_TABLES.items():
        column = {
            "pilot": "pilot_id",
            "pilot_or_national": "pilot_id",
            "plan": "plan_id",
            "allocation": "allocation_id",
            "service_point": "service_point_id",
            "servicepoint": "servicepoint_id",
            "group": "municipalitygroup_id",
            "member": "municipality_id",
            "plan_itself": "pilot_id",
            "pool_itself": "plan_id",
            "group_itself": "pilot_id",
        }[via]
        assert column in {f.column for f in models[table]._meta.concrete_fields}, table
        assert f"{{row}}.{column}" in revision.VIA[via]


class Revisions:
    """The revisions now: everything's, the shared one and each pilot's."""

    def __init__(self):
        self.everything = revision.current()
        self.shared = str(Revision.objects.get(pk=revision.SHARED))
        self.pilots = {row.pilot_id: str(row) for row in PilotRevision.objects.all()}

    def raised(self, before: "Revisions") -> tuple[bool, bool, set[int]]:
        pilots = {pk for pk, value in self.pilots.items() if before.pilots.get(pk) != value}
        return self.everything != before.everything, self.shared != before.shared, pilots


def raises(write) -> tuple[bool, bool, set[int]]:
    before = Revisions()
    write()
    return Revisions().raised(before)


def test_a_write_raises_the_revision_of_the_pilot_whose_row_it_is_and_no_others():
    both = MunicipalityFactory()
    only_a = MunicipalityFactory()
    nobodys = MunicipalityFactory()
    a = PilotFactory(members=[both, only_a])
    b = PilotFactory(members=[both])
    plan_a, plan_b = StaffingPlanFactory(pilot=a), StaffingPlanFactory(pilot=b)
    line = AllocationFactory(plan=plan_a)
    point = ServicePointFactory(pilot=a)
    group = MunicipalityGroupFactory(pilot=a)
    PilotRevision.objects.all().delete()  # every pilot from nothing: created when raised
    mine = (True, False, {a.pk})

    assert raises(lambda: Allocation.objects.filter(pk=line.pk).update(fte="2.00")) == mine
    assert raises(lambda: AllocationPartFactory(allocation=line, fte="0.20")) == mine
    assert raises(lambda: OnDutyScheduleFactory(service_point=point)) == mine
    assert raises(lambda: point.serves.add(only_a)) == mine
    assert raises(lambda: group.members.add(only_a)) == mine
    assert raises(lambda: CapacityRuleSetFactory(pilot=a)) == mine
    # A line moved to another pilot's plan is both pilots'.
    moved = Allocation.objects.filter(pk=line.pk)
    assert raises(lambda: moved.update(plan=plan_b)) == (True, False, {a.pk, b.pk})
    assert raises(lambda: moved.delete()) == (True, False, {b.pk})
    # Many-to-many removals count as additions do.
    assert raises(lambda: point.serves.remove(only_a)) == mine
    assert raises(lambda: group.members.clear()) == mine
    # A group is also the pilot's whose line serves it (an admin may have moved it): its
    # name shows on that pilot's pages.
    served = AllocationFactory(plan=plan_b, organisation=line.organisation)
    Allocation.objects.filter(pk=served.pk).update(serves_group=group)
    assert raises(lambda: type(group).objects.filter(pk=group.pk).update(name="Uusi")) == (
        True,
        False,
        {a.pk, b.pk},
    )
    # A plan removed with its lines and their parts (on PostgreSQL the triggers run at the
    # commit, when none of them is there any more).
    doomed = StaffingPlanFactory(pilot=a)
    AllocationPartFactory(allocation=AllocationFactory(plan=doomed, organisation=line.organisation))
    assert raises(lambda: doomed.delete()) == mine
    # A municipality's counts are the pilots' that have it as a member.
    count = {"date": "2024-06-30", "measure": Measure.CLIENTS, "value": Decimal("10")}
    assert raises(lambda: ClientStatistic.objects.create(municipality=both, **count)) == (
        True,
        False,
        {a.pk, b.pk},
    )
    assert raises(
        lambda: ClientStatistic.objects.bulk_create(
            [ClientStatistic(municipality=m, **{**count, "date": "2024-07-31"}) for m in (both,)]
        )
    ) == (True, False, {a.pk, b.pk})
    assert raises(lambda: ClientStatistic.objects.create(municipality=nobodys, **count)) == (
        True,
        False,
        set(),
    )
    # What every pilot shows: the shared revision (and so every pilot's pages).
    organisation = line.organisation
    assert raises(lambda: Organisation.objects.filter(pk=organisation.pk).update(name="Uusi"))[
        :2
    ] == (True, True)
    assert raises(lambda: PilotMembership.objects.create(pilot=b, municipality=only_a))[:2] == (
        True,
        True,
    )
    # A national rule set (no pilot's) is every pilot's without its own: shared.
    assert raises(lambda: CapacityRuleSetFactory(pilot=None))[:2] == (True, True)
    assert raises(lambda: CapacityRuleSet.objects.filter(pilot=None).delete())[:2] == (True, True)


def test_a_login_raises_nothing_and_a_change_of_the_user_the_shared_revision(admin_user):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk=admin_user.pk)
    assert raises(lambda: users.update(last_login=timezone.now())) == (False, False, set())
    assert raises(lambda: users.update(first_name="Uusi"))[:2] == (True, True)
    assert raises(lambda: users.update(is_active=True, last_login=timezone.now()))[:2] == (
        True,
        True,
    )


def test_a_pilots_page_stays_kept_while_another_pilot_is_written(client, manager):
    client.force_login(manager)
    a_line = AllocationFactory(role_title="Ohjaaja A", fte="1.00")
    b_line = AllocationFactory(role_title="Ohjaaja B")
    a = a_line.plan.pilot
    urls = [
        reverse("staffing:pilot-dashboard", kwargs={"pilot": a.slug}),
        reverse("staffing:allocation-list", kwargs={"pilot": a.slug}),
        reverse("servicepoints:servicepoint-list", kwargs={"pilot": a.slug}),
    ]
    client.get(reverse("home"))  # the CSRF cookie a page is kept under
    first = {url: client.get(url) for url in urls}
    assert all(response.status_code == 200 for response in first.values())
    home = client.get(reverse("home")).content
    # Another pilot's line changes: A's pages are served as kept, the home page is not.
    Allocation.objects.filter(pk=b_line.pk).update(role_title="Ohjaaja B2", fte="3.00")
    for url in urls:
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            again = client.get(url)
        assert again.content == first[url].content, url
        assert "staffing_allocation" not in recorder.sql, url  # not computed again
    assert client.get(reverse("home")).content != home
    # A's own line changes: its pages are computed again.
    Allocation.objects.filter(pk=a_line.pk).update(role_title="Ohjaaja A2")
    listed = client.get(urls[1]).content
    assert listed != first[urls[1]].content and "Ohjaaja A2" in listed.decode()


class Recorder:
    def __init__(self):
        self.sql = ""

    def __call__(self, execute, sql, params, many, context):
        self.sql += sql + "\n"
        return execute(sql, params, many, context)


def test_the_home_page_computes_again_only_the_rows_of_the_pilots_written(
    client, manager, monkeypatch
):
    import kokeilu.views

    lines = [AllocationFactory(role_title=f"Ohjaaja {n}") for n in range(3)]
    pilots = [line.plan.pilot for line in lines]
    Pilot = type(pilots[0])
    Pilot.objects.update(end_date=None)  # current: the home page lists them
    computed: list[list[str]] = []
    summaries = kokeilu.views.pilot_summaries

    def recording(pilots):
        computed.append(sorted(pilot.name for pilot in pilots))
        return summaries(pilots)

    monkeypatch.setattr(kokeilu.views, "pilot_summaries", recording)
    # Each row's cells are written with it and kept with it: a kept row is not written again.
    written: list[str] = []
    cells = kokeilu.views.summary_cells

    def writing(row):
        written.append(row["name"])
        return cells(row)

    monkeypatch.setattr(kokeilu.views, "summary_cells", writing)
    client.force_login(manager)
    first = client.get(reverse("home")).content.decode()
    assert computed == [sorted(pilot.name for pilot in pilots)]
    assert sorted(written) == computed[0]
    assert '<td class="num">1,0</td>' in first and '<td class="num">2,0</td>' not in first
    # The second pilot's line changes: only its row is computed again, and shows it.
    Allocation.objects.filter(pk=lines[1].pk).update(fte="2.00", client_work_fte="2.00")
    renewed = client.get(reverse("home")).content.decode()
    assert computed[1:] == [[pilots[1].name]]
    assert written[3:] == [pilots[1].name]
    assert '<td class="num">2,0</td>' in renewed
    assert all(f'data-pilot="{pilot.slug}"' in renewed for pilot in pilots)
    # A write to what every pilot shows computes every row again.
    Organisation.objects.filter(pk=lines[0].organisation_id).update(name="Uusi nimi")
    client.get(reverse("home"))
    assert computed[2:] == [sorted(pilot.name for pilot in pilots)]


def test_the_national_pages_compute_again_only_the_summaries_of_the_areas_written(
    client, manager, monkeypatch
):
    import datetime

    import kokeilu.national
    from municipalities.models import Region

    region = Region.objects.create(code="MK16", name_fi="Keski-Pohjanmaa")
    lines = [AllocationFactory(role_title=f"Ohjaaja {n}") for n in range(3)]
    pilots = [line.plan.pilot for line in lines]
    type(pilots[0]).objects.update(
        start_date=datetime.date(2025, 1, 1), end_date=None, statistical_region=region
    )
    computed: list[list[str]] = []
    summaries = kokeilu.national.national.national_summaries

    def recording(pilots, *, on):
        summarised = summaries(pilots, on=on)
        computed.append(sorted(summary.pilot.name for summary in summarised))
        return summarised

    monkeypatch.setattr(kokeilu.national.national, "national_summaries", recording)
    client.force_login(manager)
    urls = [reverse("national-regions"), reverse("national-region", kwargs={"region": "MK16"})]
    every = sorted(pilot.name for pilot in pilots)
    for url in urls:
        assert client.get(url).status_code == 200
    # The region's page takes the summaries the regions' page computed.
    assert computed == [every]
    Allocation.objects.filter(pk=lines[1].pk).update(fte="2.00", client_work_fte="2.00")
    region_page = client.get(urls[1]).content.decode()
    assert computed[1:] == [[pilots[1].name]]
    assert '<td class="num">2,0</td>' in region_page
    assert client.get(urls[0]).status_code == 200
    assert computed[2:] == []


def test_a_part_its_computation_no_longer_finds_is_left_out():
    """A pilot listed, then ended or removed before its part is computed, is left out of the
    page instead of failing it."""
    from core.page_cache import kept_parts

    pilots = [PilotFactory(), PilotFactory()]
    ids = [pilot.pk for pilot in pilots]
    parts = kept_parts("test-part", ids, lambda wanted: {ids[0]: "yksi"})
    assert parts == {ids[0]: "yksi"}
