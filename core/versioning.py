"""Optimistic locking: a row carries a ``version`` that every saved change raises.

A change names the version it was based on and first *claims* the row with one conditional
``UPDATE … SET version = version + 1 WHERE pk = … AND version = …``. When no row matched,
someone else saved (or deleted) it in between and the change is refused, so a newer value is
never overwritten unseen. The UPDATE takes the row lock on PostgreSQL and the write lock on
SQLite: two claims of one version can never both succeed.
"""

from collections import defaultdict
from collections.abc import Mapping

from django import forms
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class ClaimLost(Exception):
    """`VersionedModel.save_claiming` found the row at another version (or gone): nothing was
    written. Raised inside Django's save, it leaves the transaction marked for rollback, as
    any error there does: let it end the atomic block the save ran in."""


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every saved change; a save based on an older version is refused."),
    )

    class Meta:
        abstract = True

    #: While `save_claiming` runs: the version its UPDATE requires the row to still have.
    _claimed_version = None

    def save_claiming(self, version: int, **kwargs) -> None:
        """Save this row's values as one ``UPDATE … SET …, version = version + 1 WHERE pk = …
        AND version = …``: the claim and the write in one statement. `ClaimLost` when the row
        no longer had `version` (someone saved or deleted it since): nothing was written, and
        no post_save (so no history record) happened."""
        self.version = version + 1
        self._claimed_version = version
        try:
            self.save(**kwargs)
        except ClaimLost:
            self.version = version
            raise
        finally:
            self._claimed_version = None

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        if self._claimed_version is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        base_qs = base_qs.filter(version=self._claimed_version)
        if not super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update):
            raise ClaimLost  # before Django would go on to INSERT the row
        return True

    @classmethod
    def claim(cls, pk, *, version=None, **conditions) -> bool:
        """Raise the version of row `pk` by one if it still has `version` (any version when
        None) and matches `conditions`; False when no row did, and nothing changed."""
        rows = cls._default_manager.filter(pk=pk, **conditions)
        if version is not None:
            rows = rows.filter(version=version)
        return rows.update(version=F("version") + 1) == 1

    @classmethod
    def claim_many(cls, versions: Mapping[int, int], *, chunk: int = 900) -> bool:
        """Claim every row {pk: version} as `claim` does, with one conditional UPDATE per
        version and chunk of pks (a fresh import is one or a few statements, not one per row);
        False when any row had moved on. The caller's transaction undoes the others then."""
        by_version = defaultdict(list)
        for pk, version in versions.items():
            by_version[version].append(pk)
        for version, pks in by_version.items():
            for start in range(0, len(pks), chunk):
                part = pks[start : start + chunk]
                rows = cls._default_manager.filter(pk__in=part, version=version)
                if rows.update(version=F("version") + 1) != len(part):
                    return False
        return True


STALE_ADMIN_MESSAGE = _(
    "Someone changed this after you opened it; your change was not saved. Open it again to "
    "see the current values."
)


class VersionedAdminForm(forms.ModelForm):
    """An admin form that carries the version it was opened with and refuses a stale save."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                type(self.instance)
                # The row itself (of=self), not the rows its model's ordering may join.
                ._default_manager.select_for_update(of=("self",), no_key=True)
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("seen_version") != current:
                raise forms.ValidationError(STALE_ADMIN_MESSAGE, code="stale")
        return cleaned


class VersionedAdminMixin:
    """The admin goes through the same rule as the pages: the form carries the version it was
    opened with, a save based on an older version is refused, and every save raises it."""

    form = VersionedAdminForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "seen_version" in fields else [*fields, "seen_version"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = form.cleaned_data["seen_version"] + 1
        super().save_model(request, obj, form, change)
