"""The shared base of every listing: Bootstrap look, Finnish numbers, CSV and XLSX export."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2.export import ExportMixin

from . import formatting


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Nothing to show.")
        template_name = "django_tables2/bootstrap5-responsive.html"


class NumberColumn(tables.Column):
    """A right-aligned Decimal column: formatted on the page, a real number in exports."""

    formats = {
        "fte": formatting.format_fte,
        "caseload": formatting.format_caseload,
        "count": formatting.format_count,
    }

    def __init__(self, *args, kind="fte", places=None, **kwargs):
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "num"})
        attrs.setdefault("th", {"class": "num"})
        attrs.setdefault("tf", {"class": "num"})
        kwargs.setdefault("default", formatting.EMPTY)
        super().__init__(*args, attrs=attrs, **kwargs)
        if places is not None:
            self.formatter = lambda value: formatting.format_number(value, places)
        else:
            self.formatter = self.formats[kind]

    def render(self, value):
        return self.formatter(value)

    def value(self, value):
        # Exports carry the exact Decimal, so XLSX cells are numbers, not text.
        return value


class ExportTableMixin(ExportMixin):
    """CSV and XLSX export of exactly the rows and columns the page shows (`?_export=xlsx`)."""

    export_formats = ("csv", "xlsx")
    export_name = "kokeilu"

    def get_export_filename(self, export_format):
        return f"{self.get_export_name()}.{export_format}"

    def get_export_name(self):
        return self.export_name
