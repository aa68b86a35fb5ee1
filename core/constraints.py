"""A database rule whose message belongs to one field of the form, and check constraints
validated in one query."""

from django.core.exceptions import FieldError, ValidationError
from django.db import models, router
from django.db.models import Q


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


class ChecksInOneQuery:
    """Model mixin: `full_clean()` tests all the model's check constraints in one query, and
    validates them one by one (Django's way: a query and a savepoint each) only when one fails,
    for its message. A valid save then costs one query instead of three per constraint.

    Together the conditions hold exactly when each does: a condition that is unknown (NULL)
    passes alone, and TRUE AND NULL is NULL, which passes too; any FALSE makes the whole FALSE.
    """

    _check_constraints_held = False

    def get_constraints(self):
        constraints = super().get_constraints()
        if not self._check_constraints_held:
            return constraints
        return [
            (model, [c for c in group if not isinstance(c, models.CheckConstraint)])
            for model, group in constraints
        ]

    def validate_constraints(self, exclude=None):
        self._check_constraints_held = self._check_constraints_hold(exclude)
        try:
            super().validate_constraints(exclude)
        finally:
            self._check_constraints_held = False

    def _check_constraints_hold(self, exclude) -> bool:
        against = self._get_field_expression_map(meta=self._meta, exclude=exclude)
        conditions = [
            Q(constraint.condition)
            for _model, group in super().get_constraints()
            for constraint in group
            if isinstance(constraint, models.CheckConstraint)
            # One that names an excluded field is not validated (as Django skips it).
            and Q(constraint.condition).referenced_base_fields <= against.keys()
        ]
        if not conditions:
            return True
        combined = conditions[0]
        for condition in conditions[1:]:
            combined &= condition
        try:
            return combined.check(against, using=router.db_for_write(type(self), instance=self))
        except FieldError:
            return False  # validated one by one, which skips what cannot be checked
