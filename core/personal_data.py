"""The product holds no client data: free text that carries a Finnish personal identity code
or a phone number is refused where it is typed.

The identity code (henkilötunnus) is DDMMYY, a century sign (+, -, A–F, U–Y) and a three-digit
individual number with a check character (the number modulo 31); only codes whose date and
check character are right are refused. Phone
numbers: Finnish numbers (+358 or a leading 0, mobile and landline) and international ones,
written with or without spaces and hyphens. Dates ("1.3.2021"), FTE ("0,5") and municipality
codes ("009") never look like either.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
IDENTITY_CODE = re.compile(
    r"(?<![0-9A-Za-z])(\d{2})(\d{2})(\d{2})([-+A-FU-Ya-fu-y])(\d{3})([0-9A-Ya-y])(?![0-9A-Za-z])"
)
# +358 40 123 4567, 040 123 4567, 040-1234567, (09) 310 1691, +46 8 123 456 78 …
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s-]?\(?\d{1,4}\)?|\(?0\d{1,3}\)?)(?:[\s-]?\d){5,10}(?![\w,.])"
)

PERSONAL_DATA_MESSAGE = _(
    "This text looks like it holds a personal identity code or a phone number. Kokeilu holds "
    "no personal data of clients: write roles, counts and FTE only."
)


def _valid_identity_code(match: re.Match) -> bool:
    day, month = int(match.group(1)), int(match.group(2))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    number = int(match.group(1) + match.group(2) + match.group(3) + match.group(5))
    return CHECK_CHARACTERS[number % 31] == match.group(6).upper()


def personal_data_in(text: str) -> list[str]:
    """What in `text` looks like an identity code or a phone number ("kind" per finding)."""
    found = [
        "identity_code" for match in IDENTITY_CODE.finditer(text) if _valid_identity_code(match)
    ]
    found += ["phone" for _match in PHONE.finditer(text)]
    return found


@deconstructible
class NoPersonalData:
    """A field validator: refuses text with a personal identity code or a phone number."""

    message = PERSONAL_DATA_MESSAGE
    code = "personal_data"

    def __call__(self, value):
        if isinstance(value, str) and personal_data_in(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoPersonalData)


no_personal_data = NoPersonalData()
