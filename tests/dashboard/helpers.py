"""Shared pieces of the dashboard tests: reading tables out of a page, and pilots of any size."""

import csv
import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
from django.test.utils import CaptureQueriesContext

from municipalities.models import Measure, PilotStatistic, SegmentTarget
from staffing.models import DeclaredFigure, Organisation
from tests.factories.municipalities import (
    ClientStatisticFactory,
    MunicipalityFactory,
    MunicipalityGroupFactory,
    PilotFactory,
    PilotMembershipFactory,
    ServiceProductionFactory,
)
from tests.factories.staffing import (
    AllocationFactory,
    AllocationPartFactory,
    DeclaredFigureFactory,
    OrganisationFactory,
    ResourcePoolFactory,
    ServiceNeedFactory,
    StaffingPlanFactory,
)

NNBSP = "\u202f"  # the thousands separator of Finnish numbers
D = Decimal


# --- reading a page -------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cells: {"tag", "text", "attrs"}, row attrs kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = []
        self._stack = []  # open tables (dicts)
        self._cell = None
        self._row = None
        self._section = "tbody"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._stack.append({"attrs": attrs, "rows": []})
        elif not self._stack:
            return
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self._row = {"attrs": attrs, "cells": [], "section": self._section}
            self._stack[-1]["rows"].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"tag": tag, "attrs": attrs, "text": "", "links": []}
            self._row["cells"].append(self._cell)
        elif tag == "a" and self._cell is not None:
            self._cell["links"].append(attrs)
        elif tag == "br" and self._cell is not None:
            self._cell["text"] += " "

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag in ("thead", "tfoot"):
            self._section = "tbody"
        elif tag in ("td", "th"):
            if self._cell is not None:
                self._cell["text"] = re.sub(r"[ \t\r\n]+", " ", self._cell["text"]).strip()
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data


def tables_of(content) -> list[dict]:
    parser = _Tables()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return parser.tables


def table(content, testid) -> list[dict]:
    """The rows of the table with data-testid=`testid`."""
    for found in tables_of(content):
        if found["attrs"].get("data-testid") == testid:
            return found["rows"]
    raise AssertionError(f"no table {testid!r} on the page")


def body_rows(rows) -> list[dict]:
    """The rows of a table's body: not its header or footer, nor the "nothing to show" row."""
    return [
        row
        for row in rows
        if row["section"] == "tbody"
        and row["cells"]
        and not (len(row["cells"]) == 1 and "colspan" in row["cells"][0]["attrs"])
    ]


def texts(row) -> list[str]:
    return [cell["text"] for cell in row["cells"]]


def row_named(rows, label) -> dict:
    for row in rows:
        if row["cells"] and row["cells"][0]["text"] == label:
            return row
    raise AssertionError(f"no row {label!r}: {[texts(row)[:1] for row in rows]}")


def count_queries(connection, function):
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


# --- exports ----------------------------------------------------------------------------------


_FINNISH_DECIMAL = re.compile(r"^-?\d+,\d+$")


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV export; the default (Finnish Excel: byte-order mark, ";", decimal
    comma) is read back with decimal points, so tests compare the same values in both CSVs."""
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    if not text.startswith("\ufeff"):
        return list(csv.reader(io.StringIO(text)))
    rows = csv.reader(io.StringIO(text[1:]), delimiter=";")
    return [
        [cell.replace(",", ".") if _FINNISH_DECIMAL.match(cell) else cell for cell in row]
        for row in rows
    ]


def xlsx_rows(response) -> list[list]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# --- a pilot of any size ----------------------------------------------------------------------


def build_pilot(scale, *, target="80"):
    """A pilot with `scale` times the data: municipalities, a group of them, statistics dates,
    plans (two in force, the rest what-if scenarios), line items with "of which" parts, pools,
    service arrangements, declared figures of every kind the dashboard marks, and pilot-level
    statistics."""
    pilot = PilotFactory(target_caseload=D(target), region=f"Maakunta {scale % 3}")
    municipalities = [MunicipalityFactory() for _ in range(4 * scale)]
    for municipality in municipalities:
        PilotMembershipFactory(pilot=pilot, municipality=municipality)
    group = MunicipalityGroupFactory(pilot=pilot)
    group.members.set(municipalities[: 2 * scale])
    ungrouped = municipalities[2 * scale :]
    for provider, recipient in zip(ungrouped[::2], ungrouped[1::2], strict=False):
        ServiceProductionFactory(pilot=pilot, producer=provider, recipient=recipient)
    dates = [datetime.date(2023, 1, 1) + datetime.timedelta(days=30 * i) for i in range(scale + 1)]
    for on in dates:
        for index, municipality in enumerate(municipalities):
            ClientStatisticFactory(municipality=municipality, date=on, value=D(40 + index))
        PilotStatistic.objects.create(
            pilot=pilot, date=on, measure=Measure.CLIENTS, value=D(1000), source="Testi"
        )
    # Client segments: the young have counts (on the last date), immigrants none.
    for index, municipality in enumerate(municipalities):
        ClientStatisticFactory(
            municipality=municipality,
            date=dates[-1],
            measure=Measure.UNEMPLOYED_UNDER_25,
            value=D(5 + index % 3),
        )
    SegmentTarget.objects.create(
        pilot=pilot,
        name="nuoret",
        measure=Measure.UNEMPLOYED_UNDER_25,
        part_label="nuor",
        target_caseload=D("60"),
    )
    SegmentTarget.objects.create(
        pilot=pilot,
        name="maahanmuuttajat",
        measure=Measure.IMMIGRANTS,
        part_label="maahan",
        target_caseload=D("80"),
    )
    old_plan = StaffingPlanFactory(pilot=pilot, statistics_date=dates[0], approved=True)
    plan = StaffingPlanFactory(
        pilot=pilot,
        statistics_date=dates[-1],
        approved=True,
        valid_from=datetime.date(2024, 1, 1),
    )
    for index in range(scale - 1):  # what-if copies: more plans, no more lines
        StaffingPlanFactory(pilot=pilot, scenario=True, name=f"Skenaario {scale}-{index}")
    needs = [ServiceNeedFactory() for _ in range(3)]
    needs.append(ServiceNeedFactory(parent=needs[0]))
    organisations = [OrganisationFactory(state=True)] + [
        OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY) for _ in range(1 + scale)
    ]
    for target_plan, lines in ((old_plan, 2 * scale), (plan, 10 * scale)):
        for index in range(lines):
            line = AllocationFactory(
                plan=target_plan,
                service_need=None if index % 5 == 4 else needs[index % len(needs)],
                organisation=organisations[index % len(organisations)],
                fte=D("1.50"),
                client_work_fte=D("1.25"),
                serves_municipality=municipalities[index % len(municipalities)]
                if index % 2
                else None,
                serves_group=group if index % 4 == 0 else None,
            )
            if index % 3:
                AllocationPartFactory(allocation=line, fte=D("0.5"))
            else:  # the young's parts: the segment's FTE
                AllocationPartFactory(allocation=line, fte=D("0.5"), label="josta nuoret")
    pools = [ResourcePoolFactory(plan=plan, amount=amount) for amount in (D("5.05"), D("2.0"))]
    metric = DeclaredFigure.Metric
    figures = [
        {"metric": metric.FTE, "organisation": organisations[0], "value": D("1")},
        {"metric": metric.FTE, "value": D("2")},
        {"metric": metric.CLIENT_WORK_FTE, "organisation": organisations[0], "value": D("1")},
        {"metric": metric.FTE_EXCLUDING, "organisation": organisations[1], "value": D("3")},
        {"metric": metric.CASELOAD, "value": D("9.9")},
        {"metric": metric.POOL, "pool": pools[0], "value": D("5.1")},
        {
            "metric": metric.POOL_SHARE,
            "pool": pools[0],
            "municipality": municipalities[-1],
            "value": D("0.1"),
        },
        {"metric": metric.POOL_ROW_TOTAL, "group": group, "value": D("0.2")},
        {"metric": metric.POOL_SHARES_TOTAL, "value": D("7.0")},
        {"metric": metric.POOLS_TOTAL, "value": D("7.0")},
        {
            "metric": metric.CLIENTS,
            "group": group,
            "value": D("5"),
            "precision": D("1"),
            "date": dates[-1],
            "measure": Measure.CLIENTS,
        },
        {
            "metric": metric.SHARE,
            "municipality": municipalities[-1],
            "value": D("50"),
            "precision": D("1"),
            "date": dates[-1],
            "measure": Measure.CLIENTS,
        },
    ]
    for index, fields in enumerate(figures):
        DeclaredFigureFactory(pilot=pilot, plan=plan, key=f"luku-{scale}-{index}", **fields)
    return pilot, plan
