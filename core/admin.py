from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import models

from .forms import AdminDecimalField, ModelMultipleChoiceField, beyond_key_range
from .models import HistoryRedaction


class CheckedAutocompleteMixin:
    """An autocomplete widget that shows again only the chosen keys a row can have: Django's
    looks every one up in an IN, where a 40-digit number is a server error."""

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field
        # A foreign key names the field it points at; a many-to-many, the key.
        name = getattr(related, "field_name", None) or related.model._meta.pk.name
        key = related.model._meta.get_field(name)
        beyond = beyond_key_range(key, value)
        return super().optgroups(name, [v for v in value if v not in beyond], attr)


class CheckedAutocompleteSelect(CheckedAutocompleteMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class CheckedChoicesMixin:
    """An admin (or inline) whose related choices refuse a key no row can have (a 40-digit
    number) as not a choice, before any query: Django's many-to-many field
    (`core.forms.ModelMultipleChoiceField`) and its autocomplete widgets send it to the
    database's IN, a server error. Its decimals are read and shown as the product's own forms
    read and show them (`core.forms.AdminDecimalField`: "0,5" as well as "0.5"; "1,000" refused
    where it could be a thousand)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField) and not db_field.choices:
            kwargs.setdefault("form_class", AdminDecimalField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CappedAdminForm(forms.ModelForm):
    """An admin form of a row of which one parent holds at most `cap` (`cap_parent`, the name
    of the foreign key to it): a new row, or one moved to another parent, beyond the cap is
    refused with `cap_message` (a plural message of %(num)d), as the parent's own page in the
    product refuses it (its formset's cap, `core.forms.formset_cap`)."""

    cap_parent = ""
    cap = 0
    cap_message = ""

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get(self.cap_parent)
        stays = self.instance.pk is not None and getattr(
            self.instance, f"{self.cap_parent}_id"
        ) == getattr(parent, "pk", None)
        if parent is not None and not stays:
            held = self._meta.model._default_manager.filter(**{self.cap_parent: parent})
            if held.count() >= self.cap:
                raise ValidationError(self.cap_message % {"num": self.cap}, code="too_many")
        return cleaned


# Django's user and group admins, with their groups and permissions checked alike.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(CheckedChoicesMixin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(CheckedChoicesMixin, auth_admin.GroupAdmin):
    pass


@admin.register(HistoryRedaction)
class HistoryRedactionAdmin(admin.ModelAdmin):
    """Read-only: entries are written by `manage.py remove_from_history` only."""

    list_display = ("performed_at", "model", "object_id", "fields", "rows", "performed_by")
    search_fields = ("model", "object_id", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
