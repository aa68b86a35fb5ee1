"""Field rules every app uses: planning dates within this century, bounded free text that holds
no personal data."""

import datetime

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .personal_data import no_personal_data

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Give a date between 1.1.2000 and 31.12.2100.")

#: Validators of every planning date (statistics, plan validity, closing dates, periods): a
#: typo such as 0001-01-01 or 9999-12-31 is refused instead of stretching every comparison.
PLANNING_DATE = [
    MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
    MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
]

#: The longest note or description (a paragraph or two); a title is at most its field's length.
NOTE_MAX_LENGTH = 2000
NOTE_LENGTH_MESSAGE = _("Write at most %(limit_value)d characters (now %(show_value)d).")


def note_validators(max_length: int = NOTE_MAX_LENGTH) -> list:
    """Free text typed by users: bounded, and never a client's identity code or phone number."""
    return [MaxLengthValidator(max_length, message=NOTE_LENGTH_MESSAGE), no_personal_data]


#: For short free-text fields (titles, roles, labels), whose length the column bounds already.
TITLE_VALIDATORS = [no_personal_data]
