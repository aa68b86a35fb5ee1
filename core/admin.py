from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User

from .forms import ModelMultipleChoiceField, beyond_key_range
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
    database's IN, a server error."""

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
