"""Service points hold no personal data, bounded notes and dates between 2000 and 2100 (issue
14, items 9, 14, 17); the rest of the catalogue is tests/security/test_model_rules.py."""

import pytest

from tests.servicepoints.test_views import point_data, recorded_changes
from tests.servicepoints.test_views import url as point_url

HETU = "131052-308T"
MEGABYTE = "x" * (1024 * 1024)


@pytest.mark.parametrize(
    ("field", "value"),
    [("notes", f"Avainkoodi {HETU}"), ("notes", MEGABYTE), ("name", "Toimisto 040 123 4567")],
)
def test_a_service_point_refuses_personal_data_and_a_megabyte_note(as_role, area, field, value):
    client = as_role("coordinator")
    before = recorded_changes()
    response = client.post(
        point_url("servicepoints:servicepoint-create", area), point_data(area, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert recorded_changes() == before


def test_a_closing_date_outside_2000_2100_is_refused(as_role, area):
    client = as_role("coordinator")
    before = recorded_changes()
    response = client.post(
        point_url("servicepoints:servicepoint-close", area), {"closed_on": "9999-12-31"}
    )
    assert response.status_code == 200
    assert recorded_changes() == before
