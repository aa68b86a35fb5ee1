"""Review fixes of client-count editing: counts of a municipality shared with a pilot the user
cannot edit are refused, one edited value leaves the other counts' flags and sources alone, a
removal claims the version seen, and an XLSX file is read only up to its row limit."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from municipalities import imports, services
from municipalities.models import ClientStatistic, PilotMembership
from tests.factories.municipalities import (
    STATISTICS_DATE,
    ClientStatisticFactory,
    MunicipalityFactory,
    PilotFactory,
)
from tests.staffing.test_editing import build_world, english, fingerprint, make_role_user

pytestmark = pytest.mark.django_db

ON = STATISTICS_DATE.isoformat()
HEADER = "kuntanumero,paivamaara,mittari,arvo,arvio,lahde"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def shared(world):
    """Kokkola is in pilot A (world.pilot) and in pilot B; B's coordinator cannot edit A.
    Kannus is in B only."""
    kokkola = MunicipalityFactory(code="272", name_fi="Kokkola", name_sv="Karleby")
    kannus = MunicipalityFactory(code="236", name_fi="Kannus", name_sv="Kannus")
    PilotMembership.objects.create(pilot=world.pilot, municipality=kokkola)
    pilot_b = PilotFactory(members=[kokkola, kannus])
    coordinator_b = make_role_user("koordinaattori-b", groups=["Koordinaattorit"], pilots=[pilot_b])
    ClientStatisticFactory(municipality=kokkola, value=Decimal(500))
    ClientStatisticFactory(municipality=kannus, value=Decimal(50))
    return pilot_b, coordinator_b, kokkola, kannus


def edit_url(pilot, measure="clients"):
    url = reverse("municipalities:statistics-edit", kwargs={"pilot": pilot.slug, "date": ON})
    return f"{url}?measure={measure}"


def import_url(pilot):
    return reverse("municipalities:statistics-import", kwargs={"pilot": pilot.slug})


def value_of(municipality):
    return (
        ClientStatistic.objects.filter(municipality=municipality, date=STATISTICS_DATE)
        .values_list("value", flat=True)
        .first()
    )


@pytest.mark.parametrize("new_value", ["", "501"], ids=["clear", "change"])
def test_coordinator_of_another_pilot_cannot_change_a_shared_count_via_the_service(
    shared, new_value
):
    pilot_b, coordinator_b, kokkola, kannus = shared
    before = fingerprint()
    with translation.override("en"), pytest.raises(services.ValidationError) as refused:
        services.client_counts_save(
            pilot=pilot_b,
            date=STATISTICS_DATE,
            measure="clients",
            values={kokkola.pk: new_value or None, kannus.pk: Decimal(60)},
            versions={kokkola.pk: 1, kannus.pk: 1},
            user=coordinator_b,
        )
    message = " ".join(refused.value.messages)
    assert "Kokkola is also a member of Työllisyyskokeilu" in message
    assert "a pilot you cannot edit" in message
    assert fingerprint() == before
    assert value_of(kokkola) == 500
    assert value_of(kannus) == 50


def test_shared_municipality_is_disabled_in_the_form_and_own_ones_still_save(client, shared):
    pilot_b, coordinator_b, kokkola, kannus = shared
    client.force_login(coordinator_b)
    english(client)
    page = client.get(edit_url(pilot_b))
    form = page.context["form"]
    assert form.fields[f"count_{kokkola.pk}"].disabled
    assert not form.fields[f"count_{kannus.pk}"].disabled
    content = page.content.decode()
    assert 'data-testid="locked-272"' in content
    assert "Also in a pilot you cannot edit" in content
    # A forged post that clears Kokkola changes only Kannus, B's own municipality.
    data = {
        "measure": "clients",
        "source": "Testi",
        f"count_{kokkola.pk}": "",
        f"version_{kokkola.pk}": 1,
        f"count_{kannus.pk}": "60",
        f"version_{kannus.pk}": 1,
    }
    response = client.post(edit_url(pilot_b), data)
    assert response.status_code == 302
    assert value_of(kokkola) == 500
    assert value_of(kannus) == 60


def test_admin_and_coordinator_of_both_pilots_may_change_a_shared_count(shared, world):
    pilot_b, _coordinator_b, kokkola, _kannus = shared
    services.client_counts_save(
        pilot=pilot_b,
        date=STATISTICS_DATE,
        measure="clients",
        values={kokkola.pk: Decimal(510)},
        user=world.admin,
    )
    assert value_of(kokkola) == 510
    both = make_role_user("molemmat", groups=["Koordinaattorit"], pilots=[world.pilot, pilot_b])
    services.client_counts_save(
        pilot=pilot_b,
        date=STATISTICS_DATE,
        measure="clients",
        values={kokkola.pk: None},
        user=both,
    )
    assert value_of(kokkola) is None


def test_coordinator_of_another_pilot_cannot_import_a_shared_count(client, shared):
    pilot_b, coordinator_b, kokkola, kannus = shared
    client.force_login(coordinator_b)
    english(client)
    text = f"{HEADER}\n272,{ON},clients,1,ei,Testi\n236,{ON},clients,61,ei,Testi"
    preview = client.post(
        import_url(pilot_b), {"file": SimpleUploadedFile("luvut.csv", text.encode())}
    )
    errors = {item.number: item.errors for item in preview.context["rows"]}
    assert "Kokkola is also a member of Työllisyyskokeilu" in " ".join(errors[2])
    assert errors[3] == []
    assert "token" not in preview.context
    before = fingerprint()
    rows = [
        services.CountRow("272", STATISTICS_DATE, "clients", Decimal(1), source="Testi"),
        services.CountRow("236", STATISTICS_DATE, "clients", Decimal(61), source="Testi"),
    ]
    with pytest.raises(services.ValidationError) as refused:
        services.client_counts_import(pilot=pilot_b, rows=rows, user=coordinator_b)
    assert "a pilot you cannot edit" in str(refused.value)
    assert fingerprint() == before
    # B's own municipality alone imports.
    own = client.post(
        import_url(pilot_b),
        {"file": SimpleUploadedFile("luvut.csv", f"{HEADER}\n236,{ON},clients,61,ei,".encode())},
    )
    client.post(import_url(pilot_b), {"confirm": "1", "token": own.context["token"]})
    assert value_of(kannus) == 61
    assert value_of(kokkola) == 500


def test_editing_one_value_keeps_the_other_counts_flags_and_sources(client, world):
    first, second, third = world.towns
    ClientStatistic.objects.filter(municipality=first).update(source="TEM", is_approximate=False)
    ClientStatistic.objects.filter(municipality=second).update(source="Kela", is_approximate=True)
    ClientStatistic.objects.filter(municipality=third).update(source="Kunta", is_approximate=False)
    client.force_login(world.coordinator)
    form = client.get(edit_url(world.pilot)).context["form"]
    data = {"measure": "clients"}
    for name in ("source", "is_approximate"):
        if form[name].value():
            data[name] = form[name].value()
    for town, value in zip(world.towns, ["110", "200", "300"], strict=True):
        data[f"count_{town.pk}"] = value
        data[f"version_{town.pk}"] = 1
    assert client.post(edit_url(world.pilot), data).status_code == 302
    rows = {
        s.municipality_id: (s.value, s.is_approximate, s.source, s.version)
        for s in ClientStatistic.objects.filter(date=STATISTICS_DATE)
    }
    assert rows[first.pk] == (Decimal(110), False, "TEM", 2)
    assert rows[second.pk] == (Decimal(200), True, "Kela", 1)
    assert rows[third.pk] == (Decimal(300), False, "Kunta", 1)


def test_a_changed_source_is_applied_to_every_count(client, world):
    client.force_login(world.coordinator)
    data = {"measure": "clients", "source": "Uusi lähde"}
    for town, value in zip(world.towns, ["100", "200", "300"], strict=True):
        data[f"count_{town.pk}"] = value
        data[f"version_{town.pk}"] = 1
    client.post(edit_url(world.pilot), data)
    sources = set(
        ClientStatistic.objects.filter(date=STATISTICS_DATE).values_list("source", flat=True)
    )
    assert sources == {"Uusi lähde"}


def test_removing_a_count_changed_since_it_was_seen_is_stale(world, monkeypatch):
    town = world.towns[0]
    statistic = ClientStatistic.objects.get(municipality=town, date=STATISTICS_DATE)
    real_filter = ClientStatistic.objects.filter

    def changed_meanwhile(*args, **kwargs):
        # Someone saves the count after it was read for this save and before it is removed.
        if kwargs.get("pk") == statistic.pk and "version" in kwargs:
            ClientStatistic.objects.filter(pk=statistic.pk).update(value=99, version=2)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(ClientStatistic.objects, "filter", changed_meanwhile, raising=False)
    with pytest.raises(services.StaleCounts):
        services.client_counts_save(
            pilot=world.pilot,
            date=STATISTICS_DATE,
            measure="clients",
            values={town.pk: None},
            versions={town.pk: 1},
            user=world.coordinator,
        )
    monkeypatch.undo()
    assert ClientStatistic.objects.filter(pk=statistic.pk).exists()  # nothing was removed


def test_removal_records_the_acting_user(world):
    town = world.towns[0]
    services.client_counts_save(
        pilot=world.pilot,
        date=STATISTICS_DATE,
        measure="clients",
        values={town.pk: None},
        versions={town.pk: 1},
        user=world.coordinator,
    )
    assert value_of(town) is None
    assert ClientStatistic.history.get(history_type="-").history_user == world.coordinator


def test_xlsx_is_read_only_up_to_the_row_limit(client, world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 5)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for index in range(200):
        sheet.append([world.towns[0].code, ON, "clients", index, "ei", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    opened = []
    pulled = []
    real_load = openpyxl.load_workbook
    real_cells = ReadOnlyWorksheet._cells_by_row

    def load(*args, **kwargs):
        opened.append(kwargs.get("read_only", False))
        return real_load(*args, **kwargs)

    def cells(self, *args, **kwargs):
        for row in real_cells(self, *args, **kwargs):
            pulled.append(1)
            yield row

    monkeypatch.setattr(openpyxl, "load_workbook", load)
    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", cells)
    client.force_login(world.coordinator)
    english(client)
    response = client.post(
        import_url(world.pilot), {"file": SimpleUploadedFile("luvut.xlsx", buffer.getvalue())}
    )
    assert "At most 5 rows can be imported at once." in " ".join(
        response.context["form"].errors["file"]
    )
    assert opened == [True]
    assert len(pulled) <= 5 + 2


def test_xlsx_at_the_row_limit_is_read_whole(client, world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append([])  # a blank row is skipped
    for town in world.towns:
        sheet.append([int(town.code), ON, "clients", 7, "ei", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    dataset = imports.read_table(SimpleUploadedFile("luvut.xlsx", buffer.getvalue()))
    assert len(dataset) == 3
    assert dataset.headers == HEADER.split(",")
