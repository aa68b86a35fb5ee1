import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory


@pytest.mark.django_db
def test_first_admin_is_created_once_with_a_generated_password():
    out = StringIO()
    call_command("create_first_admin", stdout=out)
    password = re.search(r"password: (\S+)", out.getvalue()).group(1)
    assert len(password) >= 12
    # Through the login throttle, which needs the request it counts failures of.
    user = authenticate(RequestFactory().post("/kirjaudu/"), username="admin", password=password)
    assert user is not None and user.is_superuser

    again = StringIO()
    call_command("create_first_admin", stdout=again)
    assert "password" not in again.getvalue()
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_passwords_differ_between_installations(django_user_model):
    passwords = set()
    for _ in range(2):
        django_user_model.objects.all().delete()
        out = StringIO()
        call_command("create_first_admin", stdout=out)
        passwords.add(re.search(r"password: (\S+)", out.getvalue()).group(1))
    assert len(passwords) == 2


@pytest.mark.django_db
def test_role_groups_exist():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"Koordinaattorit", "Johto"}
