"""A database rule whose message belongs to one field of the form."""

from django.core.exceptions import ValidationError
from django.db import models


class FieldCheckConstraint(models.CheckConstraint):
    """A CheckConstraint that `full_clean()` reports on `field`, so a form shows its message
    next to the value to correct (a plain CheckConstraint's message goes above the form).

    `field` only steers validation: the database holds an ordinary CHECK, and migrations
    record an ordinary CheckConstraint (``deconstruct``), so adding or changing `field`
    never needs a migration.
    """

    def __init__(self, *, field: str, **kwargs):
        self.field = field
        super().__init__(**kwargs)

    def validate(self, *args, **kwargs):
        try:
            super().validate(*args, **kwargs)
        except ValidationError:
            # The message stays lazy (Django formats it at once): it is translated when shown.
            error = ValidationError(
                self.violation_error_message,
                code=self.violation_error_code,
                params={"name": self.name},
            )
            raise ValidationError({self.field: error}) from None

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs

    def clone(self):
        _path, args, kwargs = self.deconstruct()
        return type(self)(*args, field=self.field, **kwargs)
