"""The pure modules' messages, translated by code in one table (staffing.messages): Finnish
as the modules write it, Swedish and English translated, each with the error's values."""

from decimal import Decimal

import pytest
from django.utils import translation

from staffing import apportionment, caseload, reconciliation, rounding
from staffing.messages import MESSAGES, calculation_message


def _error_classes():
    for module in (rounding, apportionment, caseload, reconciliation):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, rounding.CalculationError):
                yield obj


def test_every_error_code_of_the_pure_modules_is_in_the_table():
    assert {cls.code for cls in _error_classes()} - set(MESSAGES) == set()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "Pooli ei voi olla negatiivinen, nyt −1,5"),
        ("sv", "En pool kan inte vara negativ, nu −1,5"),
        ("en", "A pool cannot be negative, now −1,5"),
    ],
)
def test_a_message_in_each_language(language, expected):
    error = apportionment.NegativePoolError(pool=Decimal("-1.5"))
    with translation.override(language):
        assert calculation_message(error) == expected


@pytest.mark.parametrize("cls", list(_error_classes()), ids=lambda cls: cls.__name__)
def test_finnish_is_the_modules_own_text(cls):
    import re

    names = re.findall(r"\{(\w+)\}", cls.template)
    error = cls(**{name: f"<{name}>" for name in names})
    with translation.override("fi"):
        assert calculation_message(error) == error.message
    with translation.override("sv"):
        swedish = calculation_message(error)
    assert swedish != error.message
    assert all(f"<{name}>" in swedish for name in names)


def test_an_unknown_code_keeps_the_finnish_default():
    class Odd(rounding.CalculationError):
        code = "odd"
        template = "Outo {x}"

    with translation.override("en"):
        assert calculation_message(Odd(x=1)) == "Outo 1"
