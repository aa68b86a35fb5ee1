"""Importing StatFin 12r5: the service (all or nothing, idempotent, bulk), the management
command and the admins' upload page (preview, confirm once, row-level messages)."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from municipalities import official_statistics, statfin
from municipalities.models import ClientStatistic, Measure, Municipality
from tests.concurrency import write_while_held
from tests.factories.municipalities import (
    ClientStatisticFactory,
    MunicipalityFactory,
    PilotFactory,
    PilotMembershipFactory,
)
from tests.municipalities.test_statfin_parser import (
    JSON_STAT2_FILE,
    PXWEB_FILE,
    SAMPLE_CODES,
    pxweb,
    set_value,
)

pytestmark = pytest.mark.django_db

JUNE = date(2026, 6, 30)
URL = "/tilastot/statfin/"
SOURCE = "Tilastokeskus, StatFin, taulukko 12r5 (KEHA-keskus, Työnvälitystilasto)"


@pytest.fixture
def towns(db):
    return {code: MunicipalityFactory(code=code) for code in sorted(SAMPLE_CODES)}


def state():
    """Every stored figure and the number of history rows: what an import may change."""
    return (
        sorted(
            ClientStatistic.objects.values_list(
                "municipality__code", "date", "measure", "value", "source", "released", "version"
            )
        ),
        ClientStatistic.history.count(),
    )


def load(path=PXWEB_FILE, user=None):
    return official_statistics.import_statfin(statfin.read(path.read_bytes()), user=user)


def test_import_stores_every_figure_on_the_counting_day_with_source_and_release_date(towns):
    result = load()
    parsed = statfin.read(PXWEB_FILE.read_bytes())
    assert result.created == len(parsed.observations) == 34
    assert (result.updated, result.unchanged, result.suppressed) == (0, 0, 8)
    kokkola = ClientStatistic.objects.get(
        municipality__code="272", measure=Measure.JOB_SEEKERS, date=JUNE
    )
    assert kokkola.value == Decimal(4460)
    assert kokkola.source == SOURCE
    assert kokkola.released == date(2026, 7, 21)
    assert not kokkola.is_approximate
    assert set(
        ClientStatistic.objects.filter(municipality__code="074").values_list("measure", flat=True)
    ) == set(statfin.MEASURES.values()) - {
        Measure.UNEMPLOYED_UNDER_20,
        Measure.UNEMPLOYED_UNDER_25,
        Measure.UNEMPLOYED_FOREIGN,
    }  # Halsua's "..." values
    assert ClientStatistic.history.count() == 34


def test_a_second_load_changes_nothing_and_adds_no_history(towns):
    load()
    before = state()
    result = load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 34)
    assert state() == before


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_in_progress_holds_up_no_write_naming_its_municipalities():
    """While an import holds the counts it is about to write, a coordinator enters a count of
    another day for one of the file's municipalities: it does not wait for the import, which
    locks the counts' own rows, not the municipalities' (their foreign keys are checked at the
    entry's commit). SQLite has one writer at a time: there the entry waits for the import (its
    shared in-memory test database answers "locked" at once instead) and goes through after."""
    towns = {code: MunicipalityFactory(code=code) for code in sorted(SAMPLE_CODES)}
    town = towns[min(SAMPLE_CODES)]
    load()  # the counts are there: the next load locks every one of them

    def enter():
        return ClientStatisticFactory(
            municipality=town, date=date(2015, 1, 31), measure=Measure.CLIENTS
        )

    # Held with the counts locked, just before it writes them.
    race = write_while_held(hold=(official_statistics, "write_counts"), run=load, write=enter)
    assert race.ran.unchanged == 34
    if connection.vendor == "postgresql":
        assert race.waited is False
        assert race.wrote is not None
        entered = race.wrote
    else:
        assert race.wrote is None
        entered = enter()
    assert ClientStatistic.objects.get(pk=entered.pk).municipality == town


def test_json_stat2_load_after_pxweb_is_the_same_facts(towns):
    load()
    before = state()
    result = load(JSON_STAT2_FILE)
    assert (result.created, result.updated) == (0, 0)
    assert state() == before


def test_a_corrected_figure_is_updated_with_history_and_version(towns, admin_user):
    load()
    document = pxweb()
    set_value(document, "KU272", "HAKIJALOPUSSA", "4470")
    result = official_statistics.import_statfin(statfin.read(json.dumps(document)), user=admin_user)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 33)
    figure = ClientStatistic.objects.get(municipality__code="272", measure="job_seekers")
    assert (figure.value, figure.version) == (Decimal(4470), 2)
    last = figure.history.first()
    assert (last.value, last.history_type, last.history_user) == (Decimal(4470), "~", admin_user)


def test_a_hand_entered_count_on_the_same_date_is_replaced_by_the_official_one(towns):
    ClientStatisticFactory(
        municipality=towns["217"], date=JUNE, measure="job_seekers", value=400, source="arvio"
    )
    result = load()
    assert result.updated == 1
    figure = ClientStatistic.objects.get(municipality__code="217", measure="job_seekers")
    assert (figure.value, figure.source) == (Decimal(465), SOURCE)


def test_statistics_are_the_same_facts_for_every_pilot_with_the_municipality(towns):
    old = PilotFactory(name="Jokilaaksot 2021–24")
    new = PilotFactory(name="Työllisyysalue 44", kind="area")
    for pilot in (old, new):
        PilotMembershipFactory(pilot=pilot, municipality=towns["977"])
    load()
    for pilot in (old, new):
        assert ClientStatistic.objects.for_pilot(pilot).filter(
            measure="job_seekers", date=JUNE
        ).values_list("value", flat=True).get() == Decimal(
            dict(figure_pairs())[("977", "job_seekers")]
        )
    assert (
        ClientStatistic.objects.filter(municipality__code="977", measure="job_seekers").count() == 1
    )


def figure_pairs():
    return {
        (o.municipality_code, o.measure): o.value
        for o in statfin.read(PXWEB_FILE.read_bytes()).observations
    }.items()


def test_an_unknown_municipality_refuses_the_whole_file_with_row_messages(towns):
    Municipality.objects.filter(code="062").delete()
    before = state()
    with pytest.raises(ValidationError) as refused:
        load()
    messages = refused.value.messages
    assert len(messages) == 1
    assert "Rivi 7 (KU062, 2026M06)" in messages[0]
    assert "062" in messages[0]
    assert state() == before


def test_a_malformed_value_refuses_the_whole_file_with_row_messages(towns):
    load()
    before = state()
    document = pxweb()
    set_value(document, "KU272", "HAKIJALOPUSSA", "4 470")  # would change a figure
    set_value(document, "KU217", "TYOTTOMAT25", "-1")
    with pytest.raises(ValidationError) as refused:
        official_statistics.import_statfin(statfin.read(json.dumps(document)))
    messages = refused.value.messages
    assert [m.split(":")[0] for m in messages] == [
        "Rivi 2 (KU272, 2026M06)",
        "Rivi 3 (KU217, 2026M06)",
    ]
    assert "”4 470”" in messages[0]
    assert state() == before


def test_an_unknown_area_code_refuses_the_file(towns):
    document = pxweb()
    document["data"][3]["key"][0] = "KU58"
    with pytest.raises(ValidationError) as refused:
        official_statistics.import_statfin(statfin.read(json.dumps(document)))
    assert "Tuntematon aluekoodi KU58" in refused.value.messages[0]
    assert ClientStatistic.objects.count() == 0


def test_a_file_of_only_aggregates_is_refused(towns):
    document = pxweb()
    document["data"] = [row for row in document["data"] if not row["key"][0].startswith("KU")]
    with pytest.raises(ValidationError):
        official_statistics.import_statfin(statfin.read(json.dumps(document)))


def national_file(municipalities):
    """A 12r5 file in the sample's format with a row for each of `municipalities`."""
    document = pxweb()
    template = next(row for row in document["data"] if row["key"][0] == "KU272")
    document["data"] = [
        {"key": [f"KU{m.code}", "2026M06"], "values": list(template["values"])}
        for m in municipalities
    ]
    return statfin.read(json.dumps(document))


def test_a_national_file_loads_in_a_constant_number_of_queries(
    django_assert_max_num_queries,
):
    towns = [MunicipalityFactory(code=f"{n:03d}") for n in range(300, 600)]
    parsed = national_file(towns)
    assert len(parsed.observations) == 300 * len(statfin.MEASURES)  # Kokkola has all seven
    # Bulk statements only: on SQLite an insert holds about 90 rows (999 parameters), so 2 100
    # figures and their history take about 50 statements, one per row would be 4 200.
    with django_assert_max_num_queries(60):
        result = official_statistics.import_statfin(parsed)
    assert result.created == 2100
    assert ClientStatistic.history.count() == 2100
    parsed = national_file(towns)
    with django_assert_max_num_queries(4):
        result = official_statistics.import_statfin(parsed)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2100)


# --- the command --------------------------------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_statfin", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_previews_by_default_and_writes_nothing(towns):
    out, _err = run(str(PXWEB_FILE))
    assert "job_seekers (job seekers): 6 / 0 / 0 / 0" in out
    assert "unemployed (unemployed job seekers): 5 / 0 / 0 / 1" in out
    assert "Suppressed values skipped: 8" in out
    assert "Unknown municipalities: none" in out
    assert "2026-06-30" in out and "released 2026-07-21" in out
    assert "Preview only" in out
    assert ClientStatistic.objects.count() == 0


def test_command_commit_writes_and_a_second_commit_changes_nothing(towns):
    out, _err = run(str(JSON_STAT2_FILE), "--commit")
    assert "Imported: 34 new, 0 changed, 0 unchanged; 8 suppressed values skipped." in out
    before = state()
    out, _err = run(str(PXWEB_FILE), "--commit")
    assert "Imported: 0 new, 0 changed, 34 unchanged" in out
    assert state() == before


def test_command_refuses_unknown_municipalities_and_names_them(towns, tmp_path):
    Municipality.objects.filter(code__in=["062", "977"]).delete()
    with pytest.raises(CommandError, match="2 row errors: nothing was imported"):
        run(str(PXWEB_FILE), "--commit")
    assert ClientStatistic.objects.count() == 0


def test_command_reports_the_unknown_municipalities(towns):
    Municipality.objects.filter(code="062").delete()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_statfin", str(PXWEB_FILE), stdout=out, stderr=StringIO())
    assert "Unknown municipalities: 062" in out.getvalue()


def test_command_refuses_a_file_that_is_not_12r5(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{}")
    with pytest.raises(CommandError, match="neither PxWeb JSON"):
        run(str(path))
    with pytest.raises(CommandError, match="missing.json"):
        run(str(tmp_path / "missing.json"))


# --- the upload page ----------------------------------------------------------------------------


def upload(client, path=PXWEB_FILE, content=None):
    data = content if content is not None else path.read_bytes()
    return client.post(URL, {"file": SimpleUploadedFile(path.name, data, "application/json")})


def test_url_name():
    assert reverse("statfin-import") == URL


@pytest.mark.parametrize("role", ["coordinator", "manager", "other"])
def test_only_admins_may_open_or_post_the_page(client, make_user, role, towns):
    from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP

    groups = {"coordinator": [COORDINATORS_GROUP], "manager": [MANAGERS_GROUP], "other": []}
    pilot = PilotFactory()
    user = make_user(role, groups=groups[role], pilots=[pilot] if role == "coordinator" else [])
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert upload(client).status_code == 403
    assert client.post(URL, {"confirm": "1", "token": "x"}).status_code == 403
    assert ClientStatistic.objects.count() == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_admin_previews_then_imports_once(client, admin_user, towns):
    client.force_login(admin_user)
    page = client.get(URL)
    assert page.status_code == 200
    assert "HAKIJALOPUSSA" in page.content.decode()
    preview = upload(client)
    assert preview.status_code == 200
    content = preview.content.decode()
    assert 'data-testid="import-ok"' in content
    assert SOURCE in content
    assert ClientStatistic.objects.count() == 0  # the preview writes nothing
    checked = preview.context["preview"]
    assert checked.total("new") == 34 and checked.municipalities == 6
    token = preview.context["token"]
    response = client.post(URL, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert ClientStatistic.objects.count() == 34
    before = state()
    # The same confirm again (a double click, a reload): imported once.
    again = client.post(URL, {"confirm": "1", "token": token}, follow=True)
    assert again.status_code == 200
    assert state() == before


def test_reloading_the_same_file_on_the_page_shows_everything_unchanged(client, admin_user, towns):
    load()
    client.force_login(admin_user)
    preview = upload(client, JSON_STAT2_FILE)
    checked = preview.context["preview"]
    assert (checked.total("new"), checked.total("changed"), checked.total("unchanged")) == (
        0,
        0,
        34,
    )
    before = state()
    client.post(URL, {"confirm": "1", "token": preview.context["token"]})
    assert state() == before


def test_page_refuses_a_malformed_value_with_row_messages_and_no_confirm(client, admin_user, towns):
    document = pxweb()
    set_value(document, "KU584", "PITKAAIKAISTYOTTOMAT", "7,5")
    client.force_login(admin_user)
    preview = upload(client, content=json.dumps(document).encode())
    content = preview.content.decode()
    assert 'data-testid="import-errors"' in content
    assert "Rivi 4 (KU584, 2026M06)" in content
    assert "confirm-import" not in content
    assert "token" not in preview.context
    # A confirm without a preview in the session writes nothing.
    response = client.post(URL, {"confirm": "1", "token": "forged"})
    assert response.status_code == 302
    assert ClientStatistic.objects.count() == 0


def test_page_refuses_an_unknown_municipality_with_row_messages(client, admin_user, towns):
    Municipality.objects.filter(code="977").delete()
    client.force_login(admin_user)
    preview = upload(client)
    content = preview.content.decode()
    assert "Rivi 6 (KU977, 2026M06)" in content
    assert 'data-testid="unknown"' in content
    assert "confirm-import" not in content


def test_page_refuses_a_file_that_is_not_json(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, content=b"kuntanumero;arvo\n272;1")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "preview" not in response.context


def test_page_in_swedish(client, admin_user, towns):
    client.force_login(admin_user)
    client.cookies["django_language"] = "sv"
    content = client.get(URL).content.decode()
    assert "StatFin 12r5" in content
    assert 'lang="sv"' in content


def test_page_lists_a_measure_whose_every_value_is_suppressed(client, admin_user, towns):
    document = pxweb()
    for row in document["data"]:
        set_value(document, row["key"][0], "TYOTTOMATULK", "...")
    client.force_login(admin_user)
    preview = upload(client, content=json.dumps(document).encode())
    rows = {label: figures for label, *figures in preview.context["rows"]}
    assert rows[Measure.UNEMPLOYED_FOREIGN.label] == [0, 0, 0, 6]
    assert rows[Measure.JOB_SEEKERS.label] == [6, 0, 0, 0]
