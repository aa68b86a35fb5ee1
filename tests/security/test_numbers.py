"""Numbers people type (issue 14, items 3 and 15): never a guess. "1,000" as a count is refused
as ambiguous (it was stored as 1), FTE takes one decimal comma or point, and non-ASCII digits,
underscores and exponents are refused everywhere: forms in every language and the import."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.numbers import NumberFormatError, parse_count, parse_decimal
from municipalities import services
from municipalities.models import ClientStatistic
from tests.municipalities.test_client_counts import counts_data, create_url
from tests.municipalities.test_import import HEADER, import_url
from tests.staffing.test_editing import build_world, fingerprint, line_data, plan_url

AMBIGUOUS = ["1,000", "12,000", "3.000", "1.000", "1 000,000"]
FOREIGN = ["٥", "1_000", "1e3", "0,5e1", "1.000,5", "+5", "5,", "1 00", "١٢"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1357", 1357), ("1 357", 1357), ("1\u00a0357", 1357), ("1\u202f000\u202f000", 1000000)],
)
def test_counts_read_digits_with_spaces_between_thousands(text, value):
    assert parse_count(text) == Decimal(value)


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_a_count_with_a_comma_or_point_before_three_digits_is_ambiguous(text):
    with pytest.raises(NumberFormatError) as refused:
        parse_count(text)
    assert refused.value.code == "ambiguous_thousands"


@pytest.mark.parametrize("text", FOREIGN)
def test_non_ascii_digits_underscores_and_exponents_are_not_numbers(text):
    for parse in (parse_count, parse_decimal):
        with pytest.raises(NumberFormatError) as refused:
            parse(text)
        assert refused.value.code == "not_a_number"


@pytest.mark.parametrize(
    ("text", "value"),
    [("0,5", "0.5"), ("0.5", "0.5"), ("7,55", "7.55"), ("1 000,25", "1000.25"), ("−1,5", "-1.5")],
)
def test_fte_takes_one_decimal_comma_or_point(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "en", "sv"])
@pytest.mark.parametrize("typed", ["1,000", "12,000", "3.000", "٥", "1_000", "1e3"])
def test_the_counts_form_refuses_ambiguous_and_foreign_numbers(client, language, typed):
    world = build_world()
    client.force_login(world.coordinator)
    client.cookies["django_language"] = language
    before = fingerprint()
    response = client.post(
        create_url(world), counts_data(world, [typed, "", ""], date="31.12.2022")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[f"count_{world.towns[0].pk}"]
    assert len(errors) == 1
    if typed in ("1,000", "12,000", "3.000"):
        with translation.override(language):
            assert errors[0] == str(services.AMBIGUOUS_COUNT_MESSAGE) % {"value": typed}
    assert fingerprint() == before


@pytest.mark.django_db
def test_the_counts_form_accepts_spaces_between_thousands(client):
    world = build_world()
    client.force_login(world.coordinator)
    response = client.post(
        create_url(world), counts_data(world, ["1 000", "2\u00a0500", ""], date="31.12.2022")
    )
    assert response.status_code == 302
    saved = ClientStatistic.objects.filter(date="2022-12-31").order_by("municipality__code")
    assert [row.value for row in saved] == [Decimal(1000), Decimal(2500)]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1,000", "٥", "1_000", "1e3", "0,5e1"])
def test_the_line_form_refuses_three_decimals_and_foreign_numbers(client, typed):
    world = build_world()
    client.force_login(world.coordinator)
    client.cookies["django_language"] = "en"
    before = fingerprint()
    response = client.post(
        plan_url("staffing:allocation-create", world), line_data(world, prefix="new", fte=typed)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["fte"]
    assert fingerprint() == before


@pytest.mark.django_db
def test_the_import_refuses_an_ambiguous_count_and_previews_the_value_it_stores(client):
    world = build_world()
    client.force_login(world.coordinator)
    client.cookies["django_language"] = "en"
    a, b = (town.code for town in world.towns[:2])
    text = "\n".join(
        [
            HEADER.replace(",", ";"),
            f"{a};2023-11-30;clients;1,000;ei;",
            f"{b};2023-11-30;clients;1 200;ei;",
        ]
    )
    response = client.post(
        import_url(world), {"file": SimpleUploadedFile("luvut.csv", text.encode())}
    )
    rows = response.context["rows"]
    assert rows[0].status == "error"
    assert any("could mean a thousand or one" in str(error) for error in rows[0].errors)
    assert rows[1].status == "new" and rows[1].row.value == Decimal(1200)
    # The preview shows the number that will be stored, formatted, not the raw text.
    assert "1\u202f200" in response.content.decode() or "1,200" in response.content.decode()


@pytest.mark.parametrize("typed", ["٥", "1_000", "1e3", "0,5e1", "1.000,5"])
def test_the_fte_service_reads_strings_as_strictly_as_the_forms(typed):
    from django.core.exceptions import ValidationError

    from staffing.services.common import FTE_NOT_A_NUMBER_MESSAGE, as_fte

    with pytest.raises(ValidationError) as refused:
        as_fte(typed)
    assert refused.value.message_dict["fte"] == [str(FTE_NOT_A_NUMBER_MESSAGE)]
    assert as_fte("0,5") == Decimal("0.5")
