"""A database rule whose message belongs to one field of the form, and check constraints
validated together: in Python when their conditions are plain comparisons of the row's own
fields, else in one query."""

import datetime
import operator
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import models, router
from django.db.models import F, Q


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


class Unknown(Exception):
    """A condition `evaluate` cannot decide in Python: the database decides it."""


_COMPARE = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
# Values Python compares as SQL does (no collation, no time zone, no float rounding).
_ORDERED = (int, Decimal, datetime.date)


def _value(instance, name: str):
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        raise Unknown(name) from None
    if not getattr(field, "concrete", False) or field.many_to_many:
        raise Unknown(name)
    return getattr(instance, field.attname)


def _lookup(instance, key: str, expected) -> bool | None:
    """One lookup of a Q (``fte__lte=F("x")``) on `instance`; None when SQL says unknown."""
    name, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    value = _value(instance, name)
    if lookup == "isnull":
        if not isinstance(expected, bool):
            raise Unknown(key)
        return (value is None) == expected
    if lookup not in _COMPARE:
        raise Unknown(key)
    if isinstance(expected, F):
        if "__" in expected.name:
            raise Unknown(key)
        expected = _value(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise Unknown(key)
    if value is None or expected is None:
        return None  # a comparison with NULL is unknown
    for side in (value, expected):
        if isinstance(side, bool) or not isinstance(side, _ORDERED):
            raise Unknown(key)
    if isinstance(value, datetime.datetime) != isinstance(expected, datetime.datetime):
        raise Unknown(key)
    return _COMPARE[lookup](value, expected)


def evaluate(condition: Q, instance) -> bool | None:
    """A check constraint's condition on `instance` with SQL's three-valued logic (None is
    unknown), for conditions of lookups on the row's own fields (exact, lt, lte, gt, gte with
    numbers or dates, isnull) combined with AND, OR and NOT; `Unknown` for anything else."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(evaluate(child, instance))
        else:
            results.append(_lookup(instance, *child))
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise Unknown(condition.connector)
    if condition.negated and result is not None:
        result = not result
    return result


class ChecksInOneQuery:
    """Model mixin: `full_clean()` tests all the model's check constraints together, and
    validates them one by one (Django's way: a query and a savepoint each) only when one fails,
    for its message. Conditions of plain comparisons of the row's own fields (`evaluate`) are
    decided in Python, without a query; any other makes the whole one query. A valid save then
    costs no query, or one, instead of three per constraint. The database's CHECKs stay the
    last word.

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
        try:
            # SQL passes a row whose condition is unknown (NULL), as Coalesce(…, True) does.
            return all(evaluate(condition, self) is not False for condition in conditions)
        except Unknown:
            pass
        combined = conditions[0]
        for condition in conditions[1:]:
            combined &= condition
        try:
            return combined.check(against, using=router.db_for_write(type(self), instance=self))
        except FieldError:
            return False  # validated one by one, which skips what cannot be checked
