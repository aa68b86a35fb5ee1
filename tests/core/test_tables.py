"""core.tables.BaseTable renders its body rows in Python (rendered_rows): the same HTML as
django-tables2's own template, cell by cell, without its per-cell template loop."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import django_tables2 as tables
import pytest
from django.template.defaultfilters import date as date_filter
from django.test import RequestFactory
from django.utils import translation
from django.utils.timezone import template_localtime

from core.tables import BaseTable, BoundedPaginator, CountedPage, DateColumn, NumberColumn


class Sample(BaseTable):
    name = tables.Column(linkify=lambda record: f"/x/{record['pk']}/")
    fte = NumberColumn(kind="fte")
    on = tables.Column()
    count = tables.Column(localize=False)
    flagged = tables.Column(attrs={"td": {"class": lambda value: "warn" if value else "ok"}})
    note = tables.Column(default="–")

    class Meta(BaseTable.Meta):
        pass

    def render_note(self, value, record):
        return f"{value} ({record['pk']})"


ROWS = [
    {
        "pk": 1,
        "name": "<b>Kokkola</b>",
        "fte": Decimal("1.5"),
        "on": datetime.date(2025, 3, 31),
        "count": 12345,
        "flagged": True,
        "note": "a & b",
    },
    {"pk": 2, "name": "Kannus", "fte": None, "on": None, "count": 7, "flagged": False},
]


def tbody(html: str) -> str:
    body = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()


def both_renderings(table_class, data, *, order_by, language) -> tuple[str, str]:
    """A table with its own cell renderers and django-tables2's own rendering of the same rows
    (its bootstrap5 template, cell by cell), one page of everything, in `language`."""
    request = RequestFactory().get("/")
    with translation.override(language):
        ours = table_class(data, order_by=order_by)
        theirs = table_class(
            data, order_by=order_by, template_name="django_tables2/bootstrap5.html"
        )
        for table in (ours, theirs):
            table.paginate(per_page=500)
        assert ours.cell_renderers()
        return ours.as_html(request), theirs.as_html(request)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_rows_are_the_html_django_tables2_renders(language):
    request = RequestFactory().get("/")
    with translation.override(language):
        ours = Sample(ROWS).as_html(request)
        assert Sample(ROWS).template_name == "core/table.html"
        theirs = Sample(ROWS, template_name="django_tables2/bootstrap5.html").as_html(request)
    assert tbody(ours) == tbody(theirs)
    assert "&lt;b&gt;Kokkola&lt;/b&gt;" in ours  # escaped
    assert 'class="warn"' in ours and 'class="ok"' in ours  # per-cell attributes kept
    assert "12345" in ours and "a &amp; b (1)" in ours


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("column_format", [None, "j.n.Y", "Y-m-d"])
@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2025, 3, 31),
        datetime.date(999, 1, 2),
        datetime.datetime(2026, 1, 1, 22, 30, tzinfo=datetime.UTC),  # 2.1.2026 in Helsinki
        datetime.datetime(2026, 1, 1, 23, 30),
        None,
        "",
        "2025-03-31",
    ],
)
def test_a_date_cell_is_what_the_date_filter_shows(language, column_format, value):
    # django-tables2's DateColumn renders `{{ value|date:format|default:default }}`.
    column = DateColumn() if column_format is None else DateColumn(format=column_format)
    bound_column = SimpleNamespace(default="—")
    with translation.override(language):
        shown = column.render(value, bound_column)
        expected = date_filter(template_localtime(value), column.format) or "—"
    assert shown == expected


def test_an_empty_table_says_so():
    with translation.override("en"):
        html = Sample([]).as_html(RequestFactory().get("/"))
    assert "Nothing to show." in tbody(html)


def test_pages_render_only_the_current_page():
    table = Sample([{**ROWS[1], "pk": index} for index in range(30)])
    table.paginate(per_page=10, page=2)
    assert len(table.rendered_rows()) == 10


@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 25, 30])
@pytest.mark.parametrize("orphans", [0, 3])
def test_a_page_knows_its_length_without_its_rows(count, orphans):
    # `{% if table.page %}` asks a page's length; BoundedPaginator's pages answer from the
    # count, so a table reading its rows as values does not fetch them again as instances.
    paginator = BoundedPaginator(list(range(count)), 10, orphans=orphans)
    for number in paginator.page_range:
        page = paginator.page(number)
        assert isinstance(page, CountedPage)
        assert len(page) == len(page.object_list)
