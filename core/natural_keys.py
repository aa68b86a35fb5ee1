"""Natural keys for fixtures: models refer to each other by codes and slugs, never by pk."""

from django.db import models


class NaturalKeyManager(models.Manager):
    """`get_by_natural_key` for models whose natural key is their own unique fields."""

    natural_key_fields: tuple[str, ...] = ()

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.natural_key_fields, key, strict=True)))


def natural_key_manager(*fields, queryset=None):
    base = queryset.as_manager().__class__ if queryset else models.Manager

    class Manager(NaturalKeyManager, base):
        natural_key_fields = fields

    return Manager()
