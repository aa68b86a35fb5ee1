"""The admin holds the rules the product's own pages hold. A line has at most MAX_PARTS "of
which" parts and an area at most MAX_SEGMENTS segment targets: before, an admin could add a
51st part (its own page or the line's inline) and the line's page then refused every save of
the line for its number of parts. Decimals are read and shown the Finnish way ("0,5"): before,
the admin answered "0,5" with "Syötä luku"."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from municipalities.area_forms import MAX_SEGMENTS
from municipalities.models import Measure, SegmentTarget
from staffing.forms import MAX_PARTS
from staffing.models import Allocation, AllocationPart
from tests.factories.municipalities import PilotFactory
from tests.factories.staffing import AllocationFactory

pytestmark = pytest.mark.django_db


def full_line(parts: int = MAX_PARTS) -> Allocation:
    line = AllocationFactory(fte=Decimal("10"))
    AllocationPart.objects.bulk_create(
        AllocationPart(allocation=line, position=n, label=f"josta {n}", fte=Decimal("0.1"))
        for n in range(1, parts + 1)
    )
    return line


def part_form(line, **overrides):
    return {"allocation": line.pk, "position": "99", "label": "josta uusi", "fte": "0,1"} | (
        overrides
    )


def test_the_admin_adds_no_part_beyond_the_cap_and_changes_a_kept_one(client, admin_user):
    client.force_login(admin_user)
    line = full_line()
    response = client.post(reverse("admin:staffing_allocationpart_add"), part_form(line))
    assert response.status_code == 200
    assert f"Rivillä voi olla enintään {MAX_PARTS} josta-erittelyä." in response.text
    assert line.parts.count() == MAX_PARTS
    # A part of the full line changed in place is no new part: saved.
    part = line.parts.order_by("position").first()
    url = reverse("admin:staffing_allocationpart_change", args=[part.pk])
    form = part_form(line, position=str(part.position), label="josta muutettu")
    assert client.post(url, form).status_code == 302
    assert line.parts.filter(label="josta muutettu").count() == 1
    # One line short of the cap takes one more.
    other = full_line(MAX_PARTS - 1)
    response = client.post(reverse("admin:staffing_allocationpart_add"), part_form(other))
    assert response.status_code == 302
    assert other.parts.count() == MAX_PARTS
    # Moving a part to the full line is adding one to it.
    moved = other.parts.order_by("position").first()
    url = reverse("admin:staffing_allocationpart_change", args=[moved.pk])
    response = client.post(url, part_form(line, position=str(moved.position)))
    assert response.status_code == 200
    assert line.parts.count() == MAX_PARTS


def inline_parts(line, admin_user, total: int):
    """The line's admin page's parts inline, bound to `total` posted parts (its own first)."""
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin = admin.site._registry[Allocation]
    [(formset_class, _inline)] = [
        (formset, inline)
        for formset, inline in model_admin.get_formsets_with_inlines(request, line)
        if inline.model is AllocationPart
    ]
    prefix = formset_class.get_default_prefix()
    existing = list(line.parts.order_by("position"))
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(len(existing)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n in range(total):
        part = existing[n] if n < len(existing) else None
        data.update(
            {
                f"{prefix}-{n}-id": part.pk if part else "",
                f"{prefix}-{n}-allocation": line.pk,
                f"{prefix}-{n}-position": str(n + 1),
                f"{prefix}-{n}-label": f"josta {n + 1}",
                f"{prefix}-{n}-fte": "0.1",
            }
        )
    return formset_class(data, instance=line, prefix=prefix)


def test_the_lines_admin_page_takes_parts_up_to_the_cap(admin_user):
    line = full_line(MAX_PARTS - 1)
    assert inline_parts(line, admin_user, MAX_PARTS).is_valid()
    beyond = inline_parts(line, admin_user, MAX_PARTS + 1)
    assert not beyond.is_valid()
    assert beyond.non_form_errors() == [f"Rivillä voi olla enintään {MAX_PARTS} josta-erittelyä."]


def test_the_admin_adds_no_segment_target_beyond_the_cap(client, admin_user):
    client.force_login(admin_user)
    pilot = PilotFactory()
    SegmentTarget.objects.bulk_create(
        SegmentTarget(
            pilot=pilot,
            name=f"Ryhmä {n}",
            measure=Measure.CLIENTS,
            part_label="nuor",
            target_caseload=Decimal("60"),
        )
        for n in range(MAX_SEGMENTS)
    )
    form = {
        "pilot": pilot.pk,
        "name": "Yksi liikaa",
        "measure": Measure.CLIENTS,
        "part_label": "nuor",
        "target_caseload": "60",
    }
    response = client.post(reverse("admin:municipalities_segmenttarget_add"), form)
    assert response.status_code == 200
    assert f"Alueella voi olla enintään {MAX_SEGMENTS} asiakasryhmän tavoitetta." in response.text
    assert pilot.segment_targets.count() == MAX_SEGMENTS
    # Another area has room of its own.
    response = client.post(
        reverse("admin:municipalities_segmenttarget_add"), form | {"pilot": PilotFactory().pk}
    )
    assert response.status_code == 302


def test_the_admin_reads_and_shows_decimals_as_the_product_does(client, admin_user):
    client.force_login(admin_user)
    line = full_line(1)
    part = line.parts.get()
    url = reverse("admin:staffing_allocationpart_change", args=[part.pk])
    assert 'value="0,10"' in client.get(url).text
    assert client.post(url, part_form(line, position="1", fte="0,5")).status_code == 302
    part.refresh_from_db()
    assert part.fte == Decimal("0.5")
    response = client.post(url, part_form(line, position="1", fte="0,5,5"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["fte"]
    part.refresh_from_db()
    assert part.fte == Decimal("0.5")


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("0,125", Decimal("0.125")),
        ("0.125", Decimal("0.125")),
        ("1000", Decimal("1000")),
        ("1 000", Decimal("1000")),
        ("1000,5", Decimal("1000.5")),
        ("1,0005", Decimal("1.0005")),
        ("1,000", None),
        ("12.500", None),
        ("−1,000", None),
    ],
)
def test_an_admin_decimal_of_many_places_refuses_what_could_be_a_thousand(text, read, admin_user):
    from django.core.exceptions import ValidationError

    from staffing.models import DeclaredFigure

    request = RequestFactory().get("/")
    request.user = admin_user
    field = admin.site._registry[DeclaredFigure].get_form(request).base_fields["value"]
    assert field.decimal_places >= 3
    if read is None:
        with pytest.raises(ValidationError) as refused:
            field.clean(text)
        assert refused.value.code == "ambiguous"
    else:
        assert field.clean(text) == read
