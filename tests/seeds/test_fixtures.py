"""The seed fixtures: they load, reload without change, and reproduce the source documents.

Every figure is computed from the loaded rows with ORM aggregates and compared with what the
source printed (kept in the fixtures as DeclaredFigure rows); where the source does not add
up, the test shows the gap instead of hiding it.
"""

import datetime
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db.models import F, Sum

from municipalities.models import (
    ClientStatistic,
    Municipality,
    Pilot,
    PilotStatistic,
    ServiceProduction,
)
from servicepoints.models import OnDutySchedule, Placement, ServiceArrangement, ServicePoint
from staffing.apportionment import round_each_half_up
from staffing.caseload import caseload
from staffing.models import (
    Allocation,
    AllocationPart,
    DeclaredFigure,
    ResourcePool,
    ServiceNeed,
    StaffingPlan,
)
from staffing.reconciliation import POOL_SHARES, SUM_OF_PARTS, reconcile, reconcile_share
from staffing.rounding import quantize
from tests.conftest import SEED_FIXTURES, load_seeds

D = Decimal
# The load order of fixtures/README.md and the Makefile.
FIXTURES = [Path(name) for name in SEED_FIXTURES]
FIXTURE_DIR = FIXTURES[0].parent
APPS = ("municipalities", "staffing", "servicepoints")

KOKKOLA = "kokkolan-seutu"
JOKILAAKSOT = "jokilaaksot"
CLIENTS_DATE = datetime.date(2020, 11, 5)
JOB_SEEKERS_DATE = datetime.date(2022, 11, 30)


def declared(pilot_slug, key):
    return DeclaredFigure.objects.get(pilot__slug=pilot_slug, key=key)


def total(queryset, field="fte"):
    return queryset.aggregate(total=Sum(field))["total"]


def by_organisation(plan, field="fte"):
    rows = plan.allocations.values("organisation__slug").annotate(total=Sum(field))
    return {row["organisation__slug"]: row["total"] for row in rows}


def half_up(value, step):
    """Round half-up to a multiple of ``step`` (a printed precision such as 0,1 or 1)."""
    return quantize(D(value), step=D(step), mode=ROUND_HALF_UP)


@pytest.fixture
def plan_000(seeded):
    return StaffingPlan.objects.get(pilot__slug=KOKKOLA, slug="henkilostosuunnitelma")


@pytest.fixture
def plan_2022(seeded):
    return StaffingPlan.objects.get(pilot__slug=JOKILAAKSOT, slug="2022")


# --- the files themselves -----------------------------------------------------------------


def test_fixtures_use_natural_keys_only():
    for path in FIXTURES:
        for item in json.loads(path.read_text(encoding="utf-8")):
            assert "pk" not in item, f"{path.name}: {item['model']} has a pk"
            model = apps.get_model(item["model"])
            for name, value in item["fields"].items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    assert all(isinstance(key, list) for key in value), (path.name, name)
                elif field.many_to_one or field.one_to_one:
                    assert value is None or isinstance(value, list), (path.name, name)
                elif field.get_internal_type() == "DecimalField":
                    assert value is None or isinstance(value, str), (path.name, name)


@pytest.mark.django_db
def test_every_object_follows_what_it_refers_to():
    # Without loaddata's deferral of forward references: each object is saved as soon as it is
    # read, so a reference to a later object (in its file or a later file) fails here.
    for path in FIXTURES:
        text = path.read_text(encoding="utf-8")
        for deserialized in serializers.deserialize("json", text, handle_forward_references=False):
            assert not deserialized.deferred_fields, deserialized.object
            deserialized.save()
    assert Allocation.objects.count() > 0


def test_readme_gives_the_load_order():
    readme = (FIXTURE_DIR / "README.md").read_text(encoding="utf-8")
    command = re.search(r"loaddata ([^\n`]+)", readme)
    assert command is not None
    assert command.group(1).split() == [f"fixtures/{path.name}" for path in FIXTURES]


@pytest.mark.django_db
def test_a_pilot_file_needs_the_reference_file_first():
    with pytest.raises(serializers.base.DeserializationError):
        call_command("loaddata", str(FIXTURES[1]), verbosity=0)


def snapshot():
    """Every row of the three apps (also history and M2M tables), with its primary key."""
    rows = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            queryset = model._default_manager.order_by("pk")
            rows[model._meta.label] = serializers.serialize("python", queryset)
    return rows


@pytest.mark.usefixtures("seeded")
class TestLoading:
    """The three fixtures loaded in order; the reference data."""

    def test_loading_twice_changes_nothing(self):
        before = snapshot()
        assert sum(len(rows) for rows in before.values()) > 200
        load_seeds()
        after = snapshot()
        assert {label: len(rows) for label, rows in after.items()} == {
            label: len(rows) for label, rows in before.items()
        }
        assert after == before

    def test_reference_data(self):
        assert Municipality.objects.count() == 308
        assert Municipality.objects.get(code="009").name_fi == "Alavieska"
        assert Municipality.objects.get(name_fi="Veteli").name_sv == "Vetil"
        # The classification's Swedish name (the first fixtures had "Halsua").
        assert Municipality.objects.get(code="074").name_sv == "Halso"
        # Perho is in the statistical sub-region SK161 but not in the pilot's group KASE.
        perho = Municipality.objects.get(name_fi="Perho")
        assert perho.sub_region.code == "SK161"
        assert not perho.municipality_groups.exists()
        # The catalogue orders S0–S4, S4's special tasks, then management.
        assert list(ServiceNeed.objects.values_list("code", flat=True)) == [
            "S0",
            "S1",
            "S2",
            "S3",
            "S4",
            "S4-MAMU",
            "S4-AVO",
            "S4-HALL",
            "S4-MAAKUNTA",
            "JOHTO",
        ]
        assert list(
            ServiceNeed.objects.filter(is_management=True).values_list("code", flat=True)
        ) == ["JOHTO"]
        # One TE-hallinto staffs both pilots.
        te_pilots = Pilot.objects.filter(plans__allocations__organisation__slug="te-hallinto")
        assert te_pilots.distinct().count() == Pilot.objects.count() == 2


# --- seed 000: Kokkolan seudun kuntakokeilu -----------------------------------------------


@pytest.mark.usefixtures("seeded")
class TestKokkolanSeutu:
    """Seed 000: Kokkolan seudun kuntakokeilu."""

    def test_clients(self):
        pilot = Pilot.objects.get(slug=KOKKOLA)
        stats = ClientStatistic.objects.for_pilot(pilot).of_measure("clients").on(CLIENTS_DATE)
        clients = total(stats, "value")
        assert clients == 2622
        assert declared(KOKKOLA, "t1-clients").value == clients

        group = pilot.groups.get(slug="kase")
        group_clients = total(stats.filter(municipality__municipality_groups=group), "value")
        assert group_clients == 366
        assert declared(KOKKOLA, "t1-clients-kase").value == group_clients
        # the group's figure is not an input: no statistic outside the member municipalities
        assert stats.count() == pilot.municipalities.count() == 8

    def test_fte_by_organisation(self, plan_000):
        fte = by_organisation(plan_000)
        assert fte["te-hallinto"] == D("14.2")
        assert fte["kannuksen-kaupunki"] == 4
        assert fte["perhon-kunta"] == 1
        assert fte["soite"] == D("7.55")
        assert fte["kaustisen-seutukunta"] == 1
        assert sum(fte.values()) == D("33.75")

        # Kokkola's line items and its printed YHTEENSÄ differ: both are kept.
        kokkola = fte["kokkolan-kaupunki"]
        kokkola_declared = declared(KOKKOLA, "t2-yht-kokkola")
        assert kokkola == D("6.0")
        assert kokkola_declared.value == D("5.5")
        assert kokkola != kokkola_declared.value

        for slug, computed in fte.items():
            figure = DeclaredFigure.objects.get(
                pilot__slug=KOKKOLA, metric="fte", organisation__slug=slug
            )
            result = reconcile(
                label=figure.label,
                declared=figure.value,
                computed=computed,
                precision=figure.precision,
                kind=SUM_OF_PARTS,
            )
            assert result.matches is (slug != "kokkolan-kaupunki"), slug

        # "32,25" is the printed column totals without KASE; the line items give 32,75, and the
        # 0,5 gap is Kokkola's.
        without = declared(KOKKOLA, "t2-yht-ilman-kase")
        computed_without = total(plan_000.allocations.exclude(organisation=without.organisation))
        assert computed_without == D("32.75")
        assert without.value == D("32.25")
        assert computed_without - without.value == kokkola - kokkola_declared.value

    def test_client_work_and_caseload(self, plan_000):
        client_work = by_organisation(plan_000, "client_work_fte")
        pilot_client_work = total(plan_000.allocations, "client_work_fte")
        assert pilot_client_work == D("27.4")
        assert declared(KOKKOLA, "t2-asiakastyo").value == pilot_client_work
        for figure in DeclaredFigure.objects.filter(
            pilot__slug=KOKKOLA, metric="client_work_fte", organisation__isnull=False
        ):
            assert client_work[figure.organisation.slug] == figure.value, figure.key
        # KASE's client-work cell is blank in the source; the 27,4 needs it to be 1.
        assert not DeclaredFigure.objects.filter(
            pilot__slug=KOKKOLA, metric="client_work_fte", organisation__slug="kaustisen-seutukunta"
        ).exists()
        assert client_work["kaustisen-seutukunta"] == 1

        clients = total(
            ClientStatistic.objects.for_pilot(plan_000.pilot)
            .of_measure(plan_000.statistics_measure)
            .on(plan_000.statistics_date),
            "value",
        )
        value = D(clients) / D(pilot_client_work)
        assert half_up(value, "0.01") == D("95.69")
        printed = declared(KOKKOLA, "t2-asiakasmaara")
        assert half_up(value, printed.precision) == printed.value == D("95.69343")
        assert caseload(clients=clients, client_work_fte=pilot_client_work).rounded(2) == D("95.69")

    def test_line_items_are_never_negative_and_client_work_within(self):
        assert not Allocation.objects.filter(client_work_fte__gt=F("fte")).exists()
        assert not Allocation.objects.filter(fte__lt=0).exists()

    def test_parts_never_above_their_line(self, plan_000):
        parts = AllocationPart.objects.filter(allocation__plan=plan_000)
        assert parts.count() == 6
        assert not parts.filter(fte__gt=F("allocation__fte")).exists()
        over = plan_000.allocations.annotate(parts_total=Sum("parts__fte")).filter(
            parts_total__gt=F("fte")
        )
        assert not over.exists()
        s3 = plan_000.allocations.get(organisation__slug="te-hallinto", service_need__code="S3")
        assert total(s3.parts.all()) == D("2.5") < s3.fte
        shared = dict(
            parts.filter(shared_with__isnull=False).values_list("label", "shared_with__code")
        )
        assert shared == {
            "josta jaettu S1. kanssa": "S1",
            "josta jaettu S0. kanssa": "S0",
            "joista jaettu S4 (maahanmuuttajapalvelu)": "S4-MAMU",
        }
        # Parts are informative: the TE total counts the lines only.
        assert by_organisation(plan_000)["te-hallinto"] == D("14.2")

    def test_table_1_is_reproduced_from_the_unrounded_pools(self, plan_000):
        pilot = plan_000.pilot
        stats = ClientStatistic.objects.for_pilot(pilot).of_measure("clients").on(CLIENTS_DATE)
        by_code = dict(stats.values_list("municipality__code", "value"))
        group = pilot.groups.get(slug="kase")
        members = set(group.members.values_list("code", flat=True))
        rows = {code: value for code, value in by_code.items() if code not in members}
        rows["kase"] = sum(by_code[code] for code in members)

        pools = ResourcePool.objects.filter(plan=plan_000).order_by("position")
        assert [pool.amount for pool in pools] == [D("11.35"), D("2.85")]
        row_totals = {}
        for pool in pools:
            top = round_each_half_up(pool=pool.amount, weights=rows, step=pool.step).parts()
            cells = round_each_half_up(pool=pool.amount, weights=by_code, step=pool.step).parts()
            cells.update({"kase": top["kase"]})
            for figure in pool.declared_figures.filter(metric="pool_share"):
                key = "kase" if figure.group_id else figure.municipality.code
                assert cells[key] == figure.value, figure.key
                row_totals[key] = row_totals.get(key, D(0)) + cells[key]
            # the printed pool is the unrounded one rounded; its rows lose 0,1
            printed = pool.declared_figures.get(metric="pool")
            assert half_up(pool.amount, printed.precision) == printed.value
            rows_sum = sum(top.values())
            assert printed.value - rows_sum == D("0.1")
            result = reconcile(
                label=printed.label,
                declared=printed.value,
                computed=rows_sum,
                precision=printed.precision,
                kind=POOL_SHARES,
                context={"n_parts": len(top), "step": pool.step},
            )
            assert not result.matches
            assert result.cause.code == "rounded_shares"

        assert len(row_totals) == 9
        for figure in DeclaredFigure.objects.filter(pilot=pilot, metric="pool_row_total"):
            key = "kase" if figure.group_id else figure.municipality.code
            assert row_totals[key] == figure.value, figure.key
        # KOKO KOKEILU, Yhteensä: 14,2 = the unrounded pools, not 11,4 + 2,9 = 14,3 …
        pools_total = declared(KOKKOLA, "t1-yht")
        assert half_up(total(pools, "amount"), "0.1") == pools_total.value == D("14.2")
        printed_pools = total(DeclaredFigure.objects.filter(pilot=pilot, metric="pool"), "value")
        assert printed_pools == D("14.3") != pools_total.value
        # … and the total column's rows sum to 14,1.
        column = sum(row_totals[key] for key in rows)
        assert column == D("14.1") != declared(KOKKOLA, "t1-yht-rivit").value

    def test_service_points_and_addresses(self):
        points = ServicePoint.objects.filter(pilot__slug=KOKKOLA)
        assert {
            point.name: (point.street_address, point.postal_code, point.post_office)
            for point in points
        } == {
            "Kokeilutoimisto": ("", "", ""),
            "Virastotalo": ("Asematie 1", "", "Kannus"),
            "Etsivän nuorisotyön tilat (NOPPA)": ("Lopotinkatu 1", "", "Kannus"),
            "Perhon kunnanvirasto": ("Keskustie 2", "69950", "Perho"),
            "Työllisyyskoordinaattorin toimipiste, Vetelin kunnanvirasto": (
                "Kivihyppäntie 1",
                "69700",
                "Veteli",
            ),
            "Kaustisen kunnanvirasto / Kaustisen TE-toimisto / Kaustisen seutukunta": (
                "Kappelintie 13",
                "69600",
                "Kaustinen",
            ),
            "Halsuan kunnanvirasto": ("Kauppisentie 5", "69510", "Halsua"),
            "Lestijärven kunnanvirasto": ("Lestintie 39", "69440", "Lestijärvi"),
            "Toholammin kunnanvirasto": ("Lampintie 5", "69300", "Toholampi"),
            "Vetelin kunnanvirasto": ("Kivihyppäntie 1", "69700", "Veteli"),
            "Pajalan perhekeskus, aikuissosiaalityö": ("Pajalantie 1", "", "Kaustinen"),
            "Perhon kunnanvirasto, sosiaaliohjaajan työhuone": ("Keskustie 2", "69950", "Perho"),
            "Kelan tilat Kannus, aikuissosiaalityö": ("Torikuja 3", "", "Kannus"),
            "Toholammin kunnanvirasto, aikuissosiaalityö": ("Lampintie 5", "69300", "Toholampi"),
            "Lestijärven terveysasema, aikuissosiaalityö": ("Niemeläntie 3", "", "Lestijärvi"),
            "Halsuan kunnantalo, valtuustosali": ("", "", ""),
            "Kokkotyö-säätiön työpajat ja Eke-tuote, Kaustinen": ("", "", ""),
        }
        assert points.get(name="Perhon kunnanvirasto").address == "Keskustie 2, 69950 Perho"
        assert points.get(name="Virastotalo").address == "Asematie 1, Kannus"
        pajala = points.get(name="Pajalan perhekeskus, aikuissosiaalityö")
        assert set(pajala.serves.values_list("name_fi", flat=True)) == {
            "Kaustinen",
            "Veteli",
            "Halsua",
        }
        assert points.filter(kind="local", organisation__slug="kaustisen-seutukunta").count() == 4
        # every point is in a member municipality of its pilot
        assert not points.exclude(municipality__memberships__pilot__slug=KOKKOLA).exists()

    def test_on_duty_rhythms(self):
        kannus = OnDutySchedule.objects.get(service_point__name="Virastotalo")
        assert kannus.service_point.municipality.name_fi == "Kannus"
        assert (kannus.effective_days, kannus.is_approximate, kannus.is_tentative) == (
            3,
            True,
            False,
        )
        perho = OnDutySchedule.objects.get(service_point__name="Perhon kunnanvirasto")
        assert perho.effective_days == 1
        assert (perho.is_approximate, perho.is_tentative) == (False, True)
        assert {kannus.organisation.slug, perho.organisation.slug} == {"te-hallinto"}
        # the same travelling TE expert: 3 + 1 days a week
        travelling = Placement.objects.filter(role_title="TE-asiantuntija Kokkolan työnjohdon alla")
        assert total(travelling, "days_per_week") == 4
        assert set(travelling.values_list("persons", flat=True)) == {1}

    def test_placements(self, plan_000):
        coordinator = Placement.objects.get(role_title="Työllisyyskoordinaattori")
        assert coordinator.allocation.plan == plan_000
        assert coordinator.allocation.service_need.code == "S1"
        assert coordinator.allocation.organisation == coordinator.organisation
        assert coordinator.service_point.street_address == "Kivihyppäntie 1"
        placed_te = Placement.objects.filter(
            service_point__pilot=plan_000.pilot, organisation__slug="te-hallinto"
        )
        assert placed_te.count() == 4

    def test_arrangements(self):
        arrangements = ServiceArrangement.objects.filter(pilot__slug=KOKKOLA)
        assert set(arrangements.values_list("kind", "provider_organisation__slug")) == {
            ("remote", "te-hallinto")
        }
        assert arrangements.count() == 2
        assert "etäjärjestelyin" in arrangements.get(key="te-eta").description


# --- seed 001: Jokilaaksojen työllisyyskokeilu --------------------------------------------


@pytest.mark.usefixtures("seeded")
class TestJokilaaksot:
    """Seed 001: Jokilaaksojen työllisyyskokeilu."""

    def test_fte(self, plan_2022):
        fte = total(plan_2022.allocations.all())
        assert fte == D("20.9")
        assert declared(JOKILAAKSOT, "fte-yht").value == fte
        te = total(plan_2022.allocations.filter(organisation__kind="state"))
        assert te == D("9.4") == declared(JOKILAAKSOT, "fte-te-2022").value
        municipalities = total(plan_2022.allocations.filter(organisation__kind="municipality"))
        assert municipalities == D("8.5")
        assert total(plan_2022.allocations.filter(organisation__slug="ppky-kallio")) == 3
        assert te + municipalities + 3 == fte

        for figure in DeclaredFigure.objects.filter(
            plan=plan_2022, metric="fte", municipality__isnull=False
        ):
            served = total(plan_2022.allocations.filter(serves_municipality=figure.municipality))
            assert served == figure.value, figure.key
        psychologist = plan_2022.allocations.get(serves_municipality__isnull=True)
        assert (psychologist.fte, psychologist.service_need.code) == (D("0.4"), "S4-AVO")
        # the source gives no client-work estimate: every line is client work
        assert total(plan_2022.allocations, "client_work_fte") == fte

    def test_te_share_changed_in_2022(self):
        plan_2021 = StaffingPlan.objects.get(pilot__slug=JOKILAAKSOT, slug="2021")
        te_2021 = total(plan_2021.allocations.filter(organisation__slug="te-hallinto"))
        assert te_2021 == D("6.4") == declared(JOKILAAKSOT, "fte-te-2021").value
        plan_2022 = StaffingPlan.objects.get(pilot__slug=JOKILAAKSOT, slug="2022")
        te_2022 = total(plan_2022.allocations.filter(organisation__slug="te-hallinto"))
        assert te_2022 - te_2021 == 3
        assert plan_2021.valid_to < plan_2022.valid_from

    def test_job_seekers_and_shares(self):
        pilot = Pilot.objects.get(slug=JOKILAAKSOT)
        stats = (
            ClientStatistic.objects.for_pilot(pilot).of_measure("job_seekers").on(JOB_SEEKERS_DATE)
        )
        municipalities_sum = total(stats, "value")
        assert municipalities_sum == 1377
        pilot_figure = PilotStatistic.objects.get(
            pilot=pilot, measure="job_seekers", unit="count", date=JOB_SEEKERS_DATE
        )
        assert pilot_figure.value == 1357
        assert municipalities_sum - pilot_figure.value == 20

        unemployed = PilotStatistic.objects.get(pilot=pilot, measure="unemployed", unit="count")
        share = unemployed.value / pilot_figure.value * 100
        assert half_up(share, "1") == D("48")
        printed = declared(JOKILAAKSOT, "osuus-tyottomat")
        assert reconcile_share(
            label=printed.label,
            declared=printed.value,
            value=unemployed.value,
            base=pilot_figure.value,
            precision=printed.precision,
        ).matches

        # The printed shares per municipality: three fit neither base.
        fits = {}
        for figure in DeclaredFigure.objects.filter(pilot=pilot, metric="share").exclude(
            municipality=None
        ):
            value = stats.get(municipality=figure.municipality).value
            result = reconcile_share(
                label=figure.label,
                declared=figure.value,
                value=value,
                base=municipalities_sum,
                precision=figure.precision,
                bases={"kunnat": municipalities_sum, "ilmoitettu": pilot_figure.value},
            )
            fits[figure.municipality.name_fi] = result.fitting_bases
        assert fits == {
            "Alavieska": (),
            "Kalajoki": ("kunnat",),
            "Merijärvi": ("kunnat",),
            "Oulainen": (),
            "Ylivieska": (),
        }
        approximate = PilotStatistic.objects.filter(pilot=pilot, unit="percent")
        assert set(approximate.values_list("measure", "value", "of_measure", "is_approximate")) == {
            ("under_30", D("35"), "job_seekers", True),
            ("structurally_unemployed", D("30"), "job_seekers", True),
        }

    def test_service_points(self):
        points = ServicePoint.objects.filter(pilot__slug=JOKILAAKSOT)
        assert {
            point.name: (point.street_address, point.postal_code, point.post_office)
            for point in points
        } == {
            "Kalajoen kaupungintalo": ("", "", ""),
            "Origo, Vierimaantie": ("Vierimaantie", "", "Ylivieska"),
            "Työllistämiskeskus Portti": ("", "", ""),
        }
        assert set(points.values_list("walk_in", flat=True)) == {True}
        assert points.get(name="Origo, Vierimaantie").workstations == 13
        assert set(points.values_list("serves__name_fi", flat=True)) == {
            "Ylivieska",
            "Alavieska",
            "Kalajoki",
            "Merijärvi",
            "Oulainen",
        }

    def test_arrangements(self, plan_2022):
        arrangements = ServiceArrangement.objects.filter(pilot=plan_2022.pilot)
        produces = set(
            ServiceProduction.objects.filter(pilot=plan_2022.pilot).values_list(
                "producer__name_fi", "recipient__name_fi"
            )
        )
        assert produces == {("Ylivieska", "Alavieska"), ("Kalajoki", "Merijärvi")}
        # the producer's office serves the recipient too
        for provider, recipient in produces:
            assert ServicePoint.objects.filter(
                pilot=plan_2022.pilot, municipality__name_fi=provider, serves__name_fi=recipient
            ).exists()
        koto = arrangements.get(kind="client_group")
        assert (koto.provider_municipality.name_fi, koto.provider_organisation.slug) == (
            "Kalajoki",
            "kalajoen-kaupunki",
        )
        assert "koto" in koto.client_group
        remote = arrangements.get(kind="remote")
        assert remote.allocation.plan == plan_2022
        assert remote.allocation.fte == D("0.4")
        assert remote.provider_organisation == remote.allocation.organisation
        # seed 000 has two remote arrangements: both kinds and three remote in all
        assert set(ServiceArrangement.objects.values_list("kind", flat=True)) == {
            "client_group",
            "remote",
        }
        assert not ServiceProduction.objects.filter(pilot__slug=KOKKOLA).exists()
        assert ServiceArrangement.objects.filter(kind="remote").count() == 3
