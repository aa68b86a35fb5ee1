"""Who may open and post the client-count URLs: a coordinator of the pilot and an admin change
counts; anonymous users, outsiders, managers and other pilots' coordinators change nothing."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories.municipalities import STATISTICS_DATE
from tests.staffing.test_editing import build_world, fingerprint

ROLES = ["anonymous", "outsider", "manager", "coordinator", "other_coordinator", "admin"]
ALLOWED = {"coordinator", "admin"}
REFUSED_STATUS = {"anonymous": 302, "outsider": 404, "other_coordinator": 404, "manager": 403}
NAMES = [
    "municipalities:statistics-create",
    "municipalities:statistics-edit",
    "municipalities:statistics-import",
    "municipalities:statistics-template",
]


@pytest.fixture
def world(db):
    return build_world()


def url_of(world, name):
    kwargs = {"pilot": world.pilot.slug}
    if name == "municipalities:statistics-edit":
        kwargs["date"] = STATISTICS_DATE.isoformat()
    if name == "municipalities:statistics-template":
        kwargs["format"] = "csv"
    return reverse(name, kwargs=kwargs)


def post_data(world, name):
    if name == "municipalities:statistics-import":
        text = f"kuntanumero,paivamaara,mittari,arvo\n{world.towns[0].code},2024-05-31,clients,9"
        return {"file": SimpleUploadedFile("luvut.csv", text.encode())}
    data = {"measure": "clients", "source": "Testi"}
    if name == "municipalities:statistics-create":
        data["date"] = "2024-05-31"
    for town in world.towns:
        data[f"count_{town.pk}"] = "7"
        data[f"version_{town.pk}"] = 1 if name == "municipalities:statistics-edit" else 0
    return data


def login_as(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_get(client, world, name, role):
    login_as(client, world, role)
    before = fingerprint()
    response = client.get(url_of(world, name))
    assert response.status_code == (200 if role in ALLOWED else REFUSED_STATUS[role])
    if role == "anonymous":
        assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")
    assert fingerprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_post(client, world, name, role):
    login_as(client, world, role)
    before = fingerprint()
    target = url_of(world, name)
    response = client.post(target, post_data(world, name))
    if role not in ALLOWED:
        assert response.status_code == REFUSED_STATUS[role]
        confirm = client.post(
            url_of(world, "municipalities:statistics-import"), {"confirm": "1", "token": "x"}
        )
        assert confirm.status_code == REFUSED_STATUS[role]
        assert fingerprint() == before
        return
    if name == "municipalities:statistics-template":
        assert response.status_code == 405
        assert fingerprint() == before
        return
    if name == "municipalities:statistics-import":
        assert response.status_code == 200  # the preview: nothing written yet
        assert fingerprint() == before
        token = response.context["token"]
        response = client.post(target, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert fingerprint() != before
