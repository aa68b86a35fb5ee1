from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core import formatting


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("7.55"), "7,55"),
        (Decimal("14.2"), "14,2"),
        (Decimal("14.20"), "14,2"),
        (Decimal("4"), "4,0"),
        (Decimal("0.5"), "0,5"),
        (Decimal("-0.25"), "\u22120,25"),
        (None, "–"),
    ],
)
def test_fte_keeps_two_decimals_only_where_the_data_has_them(value, expected):
    with translation.override("fi"):
        assert formatting.format_fte(value) == expected


def test_caseload_and_count_in_finnish():
    with translation.override("fi"):
        assert formatting.format_caseload(Decimal("2622") / Decimal("27.4")) == "95,7"
        assert formatting.format_count(Decimal("2622")) == "2\u202f622"
        assert formatting.format_percent(Decimal("48")) == "48,0\u00a0%"


def test_swedish_uses_the_decimal_comma_and_english_the_point():
    with translation.override("sv"):
        assert formatting.format_fte(Decimal("7.55")) == "7,55"
    with translation.override("en"):
        assert formatting.format_fte(Decimal("7.55")) == "7.55"
        assert formatting.format_count(Decimal("12622")) == "12,622"


def test_template_filters():
    template = Template(
        "{% load core %}{{ a|fte }} {{ b|caseload }} {{ c|count }} {{ d|number:3 }}"
    )
    with translation.override("fi"):
        rendered = template.render(
            Context({"a": Decimal("11.35"), "b": None, "c": 366, "d": Decimal("0.15")})
        )
    assert rendered == "11,35 – 366 0,150"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        formatting.format_number(0.1 + 0.2)
