"""The shared base of every listing: Bootstrap look, Finnish numbers, CSV and XLSX export."""

import csv
import re

import django_tables2 as tables
import tablib
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from django_tables2.export import ExportMixin, TableExport

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


# A spreadsheet runs a cell starting with these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet that splits on another delimiter than ours (a Finnish Excel splits on ";")
# would start a new cell after any of these inside a text.
_FORMULA_AFTER_SEPARATOR = re.compile(r"(?<=[;,\t\r\n])(?=[=+\-@\t\r])")


def neutralise_formula(value):
    """User text that a spreadsheet would run as a formula is kept as text with an
    apostrophe before the formula start, at the beginning and after any delimiter or line
    break inside the text; numbers stay numbers."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub("'", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """The same rows with every text cell neutralised; used by every export."""
    safe = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        safe.headers = [neutralise_formula(header) for header in dataset.headers]
    for row in dataset:
        safe.append([neutralise_formula(value) for value in row])
    return safe


def export_dataset(dataset: tablib.Dataset, export_format: str):
    """The neutralised rows in `export_format`; a CSV quotes every text field, so no
    delimiter inside a text can split it, whichever delimiter the spreadsheet splits on."""
    safe = safe_dataset(dataset)
    if export_format == "csv":
        return safe.export("csv", quoting=csv.QUOTE_NONNUMERIC)
    return safe.export(export_format)


class SafeTableExport(TableExport):
    def export(self):
        return export_dataset(self.dataset, self.format)


#: The most rows one page of a listing shows, whatever `?per_page=` asks.
MAX_PER_PAGE = 500


class BoundedPaginator(Paginator):
    """`?per_page=` from the address kept within 1…MAX_PER_PAGE: `?per_page=-5` gives a page
    of one row, not a 500, and `?per_page=10000000` no more than the maximum."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)


class ExportTableMixin(ExportMixin):
    """CSV and XLSX export of exactly the rows and columns the page shows (`?_export=xlsx`);
    pages bounded by `BoundedPaginator`."""

    export_class = SafeTableExport
    # django-tables2 takes the view's paginator_class (MultipleObjectMixin's attribute).
    paginator_class = BoundedPaginator
    export_formats = ("csv", "xlsx")
    export_name = "kokeilu"

    def get_export_filename(self, export_format):
        return f"{self.get_export_name()}.{export_format}"

    def get_export_name(self):
        return self.export_name
