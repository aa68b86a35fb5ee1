from django.contrib import admin

from .models import HistoryRedaction


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
