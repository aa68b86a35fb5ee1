"""The national rule sets of 2022 and 2026, frozen: a copy of the values that
``staffing.capacity.rules_2022()`` and ``rules_2026()`` gave when this migration was written, so
that later changes to the live code cannot change what this migration stores
(tests/staffing/test_capacity_rule_sets.py compares the seeded rows with both)."""

import datetime
from decimal import Decimal

from django.db import migrations

RULE_SETS = [
    {
        "name": "Pohjoismainen työvoimapalvelumalli 2022",
        "valid_from": datetime.date(2022, 5, 2),
        "valid_to": datetime.date(2025, 12, 31),
        "source": "HE 167/2021 (laki 1379/2021): initial interview within 5 working days; "
        "supplementary job-search discussions every 2 weeks for the first 3 months (about "
        "5 after the interview); a job-search discussion at least every 3 months; at 6 "
        "months a one-month intensive period with 2 discussions. The HE summary says the "
        "period recurs 'puolen vuoden välein' (every half year): set repeat_every_months=6 "
        "for that reading. Area assumptions (edit per area): initial interview 60 min, "
        "supplementary discussion 30 min (often by phone), 3-monthly discussion 45 min; 5 "
        "% of initial and 3-monthly meetings with a second person; 0,5 h of preparation "
        "and records per meeting hour; 1400 productive hours per FTE-year (about 251 "
        "working days less 30 leave, 9 sick, 5 training and 10 travel/internal days, × 7 h "
        "15 min).",
        "source_url": "https://www.eduskunta.fi/FI/vaski/HallituksenEsitys/Sivut/HE_167+2021.aspx",
        "intensive_period_months": Decimal("3"),
        "six_month_period_months": Decimal("1"),
        "follow_up_interval_months": Decimal("3"),
        "productive_hours_per_fte_year": Decimal("1400"),
        "admin_overhead_share": Decimal("0.5"),
        "repeat_every_months": None,
        "initial_interview_working_days": 5,
        "initial_interview_meetings": Decimal("1"),
        "initial_interview_minutes": Decimal("60"),
        "initial_interview_two_staff_share": Decimal("0.05"),
        "initial_interview_by_need": False,
        "intensive_meetings": Decimal("5"),
        "intensive_minutes": Decimal("30"),
        "intensive_two_staff_share": Decimal("0"),
        "intensive_by_need": False,
        "six_month_meetings": Decimal("2"),
        "six_month_minutes": Decimal("30"),
        "six_month_two_staff_share": Decimal("0"),
        "six_month_by_need": False,
        "follow_up_meetings": Decimal("1"),
        "follow_up_minutes": Decimal("45"),
        "follow_up_two_staff_share": Decimal("0.05"),
        "follow_up_by_need": False,
    },
    {
        "name": "Palveluprosessi 2026",
        "valid_from": datetime.date(2026, 1, 1),
        "valid_to": None,
        "source": "HE 108/2025: initial interview within 10 working days; supplementary job-search "
        "discussions by need instead of a fixed rhythm (the 2022 intensive periods go); a "
        "job-search discussion at least every 3 months. By-need counts assumed: 2 in "
        "months 0–3, 1 at 6 months. Area assumptions (edit per area): initial interview 60 "
        "min, supplementary discussion 30 min (often by phone), 3-monthly discussion 45 "
        "min; 5 % of initial and 3-monthly meetings with a second person; 0,5 h of "
        "preparation and records per meeting hour; 1400 productive hours per FTE-year "
        "(about 251 working days less 30 leave, 9 sick, 5 training and 10 travel/internal "
        "days, × 7 h 15 min).",
        "source_url": "https://www.eduskunta.fi/valtiopaivaasiakirjat/HE+108/2025",
        "intensive_period_months": Decimal("3"),
        "six_month_period_months": Decimal("0"),
        "follow_up_interval_months": Decimal("3"),
        "productive_hours_per_fte_year": Decimal("1400"),
        "admin_overhead_share": Decimal("0.5"),
        "repeat_every_months": None,
        "initial_interview_working_days": 10,
        "initial_interview_meetings": Decimal("1"),
        "initial_interview_minutes": Decimal("60"),
        "initial_interview_two_staff_share": Decimal("0.05"),
        "initial_interview_by_need": False,
        "intensive_meetings": Decimal("2"),
        "intensive_minutes": Decimal("30"),
        "intensive_two_staff_share": Decimal("0"),
        "intensive_by_need": True,
        "six_month_meetings": Decimal("1"),
        "six_month_minutes": Decimal("30"),
        "six_month_two_staff_share": Decimal("0"),
        "six_month_by_need": True,
        "follow_up_meetings": Decimal("1"),
        "follow_up_minutes": Decimal("45"),
        "follow_up_two_staff_share": Decimal("0.05"),
        "follow_up_by_need": False,
    },
]


def seed(apps, schema_editor):
    CapacityRuleSet = apps.get_model("staffing", "CapacityRuleSet")
    for fields in RULE_SETS:
        defaults = {name: value for name, value in fields.items() if name != "name"}
        CapacityRuleSet.objects.get_or_create(pilot=None, name=fields["name"], defaults=defaults)


def unseed(apps, schema_editor):
    CapacityRuleSet = apps.get_model("staffing", "CapacityRuleSet")
    names = [fields["name"] for fields in RULE_SETS]
    CapacityRuleSet.objects.filter(pilot=None, name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("staffing", "0005_capacity_rule_sets")]

    operations = [migrations.RunPython(seed, unseed)]
