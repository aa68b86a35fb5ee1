"""Required capacity: hand-worked months under both rule sets, errors, and properties."""

from dataclasses import replace
from datetime import date
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.capacity import (
    Assumption,
    CapacityError,
    DerivationShares,
    Inputs,
    InvalidRuleSetError,
    InvalidShareError,
    LongTermExceedsUnemployedError,
    Measures,
    MeetingType,
    MissingInputError,
    NegativeInputError,
    NoRuleSetError,
    OverlappingRuleSetsError,
    Quantity,
    RuleSetNotValidError,
    capacity_gap,
    derive_inputs,
    required_capacity,
    rule_set_for,
    rules_2022,
    rules_2026,
)

D = Decimal
MARCH_2024 = date(2024, 3, 1)
MARCH_2026 = date(2026, 3, 1)


def unit(month, inflow=60, under_3=150, from_3_to_6=90, over_6=300):
    return Inputs(
        month=month,
        inflow=D(inflow),
        stock_under_3=D(under_3),
        stock_3_to_6=D(from_3_to_6),
        stock_over_6=D(over_6),
    )


# --- hand-worked months -------------------------------------------------------------------


def test_hand_worked_month_under_the_2022_rules():
    # A serving unit in March 2024: 60 new unemployed job seekers in the month;
    # 150 unemployed under 3 months, 90 for 3–6 months, 300 over 6 months.
    result = required_capacity(inputs=unit(MARCH_2024), rules=rules_2022())
    meetings = {meeting_type: q.value for meeting_type, q in result.meetings.items()}

    # initial interviews: 60 new × 1                                    = 60
    assert meetings[MeetingType.INITIAL_INTERVIEW] == 60
    # intensive period: 150 persons × 5 discussions / 3 months          = 250
    assert meetings[MeetingType.INTENSIVE] == 250
    # six-month month: 90 / 3 = 30 persons reach 6 months, × 2          = 60
    assert meetings[MeetingType.SIX_MONTH] == 60
    # 3-monthly: (90 + 300 − 30 in their intensive month) × 1 / 3       = 120
    assert meetings[MeetingType.FOLLOW_UP] == 120
    assert result.total_meetings.value == 490

    # staff minutes = meetings × minutes × (1 + second-person share):
    #   initial    60 × 60 min × 1,05 = 3780 min = 63 h
    #   intensive 250 × 30 min × 1    = 7500 min = 125 h
    #   six-month  60 × 30 min × 1    = 1800 min = 30 h
    #   3-monthly 120 × 45 min × 1,05 = 5670 min = 94,5 h
    assert result.meeting_hours.value == D("312.5")
    # administration 0,5 h per meeting hour: 156,25 h; staff hours 468,75 h
    assert result.admin_hours.value == D("156.25")
    assert result.staff_hours.value == D("468.75")
    # one FTE gives 1400 / 12 = 116,67 productive hours a month
    assert result.hours_per_fte_month.exact == Fraction(350, 3)
    # FTE = 468,75 / (1400 / 12) = 5625 / 1400 = 4,017857…
    assert result.fte.exact == Fraction(5625, 1400)
    assert str(result.fte.value).startswith("4.0178571428")
    assert result.fte.rounded() == D("4.0")
    assert result.fte.rounded(step=D("0.01")) == D("4.02")
    assert result.fte.rounded(mode=ROUND_CEILING) == D("4.1")

    assert result.assumptions == ()  # all inputs given, the 2022 rhythm is fixed
    assert result.month == MARCH_2024
    assert result.rules.name == "Pohjoismainen työvoimapalvelumalli 2022"


def test_hand_worked_month_under_the_2026_rules():
    # The same unit in March 2026.
    result = required_capacity(inputs=unit(MARCH_2026), rules=rules_2026())
    meetings = {meeting_type: q.value for meeting_type, q in result.meetings.items()}

    # initial interviews: 60 × 1 (10 working days, the volume is the same)   = 60
    assert meetings[MeetingType.INITIAL_INTERVIEW] == 60
    # supplementary by need, assumed 2 in the first 3 months: 150 × 2 / 3    = 100
    assert meetings[MeetingType.INTENSIVE] == 100
    # by need at 6 months, assumed 1: 90 / 3 = 30 persons × 1                = 30
    assert meetings[MeetingType.SIX_MONTH] == 30
    # 3-monthly: no fixed intensive month, (90 + 300) × 1 / 3                = 130
    assert meetings[MeetingType.FOLLOW_UP] == 130
    assert result.total_meetings.value == 320

    #   initial    60 × 60 min × 1,05 = 3780 min   = 63 h
    #   intensive 100 × 30 min        = 3000 min   = 50 h
    #   six-month  30 × 30 min        =  900 min   = 15 h
    #   3-monthly 130 × 45 min × 1,05 = 6142,5 min = 102,375 h
    assert result.meeting_hours.value == D("230.375")
    # + 0,5 administration = 345,5625 h
    assert result.staff_hours.value == D("345.5625")
    # FTE = 345,5625 × 12 / 1400 = 2,961964…
    assert result.fte.exact == Fraction(D("345.5625")) * 12 / 1400
    assert result.fte.rounded() == D("3.0")
    assert result.fte.rounded(step=D("0.01")) == D("2.96")

    # the law says "by need": both counts are listed as the area's assumptions
    assert [(a.code, a.value) for a in result.assumptions] == [
        ("by_need_intensive_discussion", D(2)),
        ("by_need_six_month_discussion", D(1)),
    ]


def test_2026_by_need_counts_are_parameters():
    rules = rules_2026(intensive_by_need=D(5), six_month_by_need=D(0))
    result = required_capacity(inputs=unit(MARCH_2026), rules=rules)
    assert result.meetings[MeetingType.INTENSIVE].value == 250
    assert result.meetings[MeetingType.SIX_MONTH].value == 0
    assert [a.value for a in result.assumptions] == [D(5), D(0)]


def test_recurring_half_yearly_intensive_month():
    # HE 167/2021's "puolen vuoden välein": the over-6 stock crosses 12, 18, … months too.
    rules = replace(rules_2022(), repeat_every_months=D(6))
    result = required_capacity(inputs=unit(MARCH_2024), rules=rules)
    # crossing = 90 / 3 + 300 / 6 = 80 persons; × 2 = 160; 3-monthly (390 − 80) / 3
    assert result.meetings[MeetingType.SIX_MONTH].value == 160
    assert result.meetings[MeetingType.FOLLOW_UP].exact == Fraction(310, 3)


def test_defaults_carry_their_sources():
    old, new = rules_2022(), rules_2026()
    assert (old.valid_from, old.valid_to) == (date(2022, 5, 2), date(2025, 12, 31))
    assert (new.valid_from, new.valid_to) == (date(2026, 1, 1), None)
    assert "HE 167/2021" in old.source and old.source_url.startswith("https://")
    assert "HE 108/2025" in new.source and new.source_url.startswith("https://")
    assert (old.initial_interview_working_days, new.initial_interview_working_days) == (5, 10)
    assert not old.intensive.by_need and new.intensive.by_need and new.six_month.by_need


# --- rule set by date -----------------------------------------------------------------------


def test_rule_set_for_picks_by_date():
    rule_sets = [rules_2022(), rules_2026()]
    assert rule_set_for(month=date(2022, 5, 2), rule_sets=rule_sets).name == rules_2022().name
    assert rule_set_for(month=date(2025, 12, 31), rule_sets=rule_sets) == rules_2022()
    assert rule_set_for(month=date(2026, 1, 1), rule_sets=rule_sets) == rules_2026()
    assert rule_set_for(month=date(2040, 6, 1), rule_sets=reversed(rule_sets)) == rules_2026()


def test_rule_set_for_refuses_a_gap():
    with pytest.raises(NoRuleSetError) as caught:
        rule_set_for(month=date(2022, 5, 1), rule_sets=[rules_2022(), rules_2026()])
    assert caught.value.code == "no_rule_set"
    assert caught.value.params == {"month": "2022-05-01"}
    with pytest.raises(NoRuleSetError):
        rule_set_for(month=MARCH_2024, rule_sets=[])


def test_rule_set_for_refuses_overlaps():
    area_own = replace(rules_2026(), name="Oma 2026", valid_from=date(2025, 6, 1))
    with pytest.raises(OverlappingRuleSetsError) as caught:
        rule_set_for(month=date(2025, 7, 1), rule_sets=[rules_2022(), rules_2026(), area_own])
    assert caught.value.code == "overlapping_rule_sets"
    assert "Oma 2026" in caught.value.params["names"]
    assert isinstance(caught.value, CapacityError)
    # after 2025 the area's set still overlaps the seed 2026 set
    with pytest.raises(OverlappingRuleSetsError):
        rule_set_for(month=MARCH_2026, rule_sets=[rules_2026(), area_own])


def test_required_capacity_refuses_rules_of_another_period():
    with pytest.raises(RuleSetNotValidError) as caught:
        required_capacity(inputs=unit(MARCH_2026), rules=rules_2022())
    assert caught.value.code == "rule_set_not_valid"


@pytest.mark.parametrize(
    "changes",
    [
        {"valid_to": date(2022, 1, 1)},
        {"productive_hours_per_fte_year": D(0)},
        {"admin_overhead_share": D("-0.1")},
        {"intensive_period_months": D(0)},
        {"six_month_period_months": D(4)},
        {"repeat_every_months": D(0)},
        {"intensive": replace(rules_2022().intensive, two_staff_share=D("1.5"))},
        {"follow_up": replace(rules_2022().follow_up, minutes=D(-1))},
    ],
)
def test_rule_set_values_out_of_range_are_refused(changes):
    with pytest.raises(InvalidRuleSetError) as caught:
        replace(rules_2022(), **changes)
    assert caught.value.code == "invalid_rule_set"
    assert caught.value.params["rule_set"] == rules_2022().name


def test_float_in_a_rule_set_is_refused():
    with pytest.raises(TypeError):
        replace(rules_2022(), admin_overhead_share=0.5)


# --- missing inputs and assumptions ---------------------------------------------------------


def test_no_assumptions_when_every_input_is_given():
    derivation = derive_inputs(inputs=unit(MARCH_2024), measures=Measures(unemployed=D(1000)))
    assert derivation.assumptions == ()
    assert derivation.inputs == unit(MARCH_2024)


def test_missing_inputs_are_derived_with_listed_assumptions():
    # 1000 unemployed, 300 of them long-term: under 12 months 700.
    inputs = Inputs(month=MARCH_2024)
    derivation = derive_inputs(
        inputs=inputs, measures=Measures(unemployed=D(1000), long_term_unemployed=D(300))
    )
    assert derivation.inputs.inflow == D(150)  # 1000 × 0,15
    assert derivation.inputs.stock_under_3 == D(315)  # 700 × 0,45
    assert derivation.inputs.stock_3_to_6 == D(175)  # 700 × 0,25
    assert derivation.inputs.stock_over_6 == D(510)  # 700 × 0,30 + 300
    codes = [assumption.code for assumption in derivation.assumptions]
    assert codes == [
        "inflow_from_unemployed",
        "stock_under_3_from_unemployed",
        "stock_3_to_6_from_unemployed",
        "stock_over_6_from_unemployed",
    ]
    inflow = derivation.assumptions[0]
    assert inflow == Assumption(
        "inflow_from_unemployed", D(150), {"unemployed": D(1000), "rate": D("0.15")}
    )


def test_only_the_missing_inputs_are_derived():
    inputs = replace(unit(MARCH_2024), inflow=None)
    result = required_capacity(inputs=inputs, rules=rules_2022(), measures=Measures(unemployed=400))
    assert result.inputs.inflow == D(60)
    assert result.inputs.stock_under_3 == D(150)
    assert [a.code for a in result.assumptions] == ["inflow_from_unemployed"]
    assert result.fte == required_capacity(inputs=unit(MARCH_2024), rules=rules_2022()).fte


def test_long_term_and_unemployed_can_be_assumed_too():
    derivation = derive_inputs(
        inputs=replace(unit(MARCH_2024), stock_over_6=None), measures=Measures(job_seekers=1357)
    )
    codes = [a.code for a in derivation.assumptions]
    assert codes == [
        "unemployed_from_job_seekers",
        "long_term_from_unemployed",
        "stock_over_6_from_unemployed",
    ]
    assert derivation.assumptions[0].value == D("651.36")  # 1357 × 0,48 (seed 001's 48 %)
    # 651,36 × 0,33 = 214,9488 long-term; (651,36 − 214,9488) × 0,30 + 214,9488
    assert derivation.inputs.stock_over_6 == D("345.872160")


def test_missing_inputs_without_measures_are_refused():
    with pytest.raises(MissingInputError) as caught:
        required_capacity(inputs=replace(unit(MARCH_2024), stock_3_to_6=None), rules=rules_2022())
    assert caught.value.code == "missing_input"
    assert caught.value.params["name"] == "stock_3_to_6"
    with pytest.raises(MissingInputError):
        derive_inputs(inputs=Inputs(month=MARCH_2024), measures=Measures(long_term_unemployed=5))


def test_inconsistent_measures_and_shares_are_refused():
    with pytest.raises(LongTermExceedsUnemployedError) as caught:
        derive_inputs(
            inputs=Inputs(month=MARCH_2024),
            measures=Measures(unemployed=10, long_term_unemployed=11),
        )
    assert caught.value.code == "long_term_exceeds_unemployed"
    with pytest.raises(InvalidShareError):
        DerivationShares(under_3_share=D("0.8"), from_3_to_6_share=D("0.3"))


def test_negative_inputs_are_refused():
    with pytest.raises(NegativeInputError) as caught:
        required_capacity(inputs=unit(MARCH_2024, over_6=-1), rules=rules_2022())
    assert caught.value.code == "negative_input"
    assert caught.value.params["name"] == "stock_over_6"


# --- gap against the plan -------------------------------------------------------------------


def test_capacity_gap():
    required = required_capacity(inputs=unit(MARCH_2024), rules=rules_2022()).fte
    gap = capacity_gap(required=required, planned=D("3.5"))
    # 5625/1400 − 3,5 = 725/1400 FTE short; share 725/5625 = 12,9 %
    assert gap.gap.exact == Fraction(725, 1400)
    assert gap.share.rounded(step=D("0.001")) == D("0.129")
    surplus = capacity_gap(required=D(2), planned=D("2.5"))
    assert surplus.gap.value == D("-0.5")
    assert surplus.share.value == D("-0.25")


def test_capacity_gap_without_requirement_has_no_share():
    gap = capacity_gap(required=D(0), planned=D("1.5"))
    assert gap.share is None
    assert gap.gap.value == D("-1.5")
    assert capacity_gap(required=0, planned=0).share is None
    with pytest.raises(NegativeInputError):
        capacity_gap(required=D(1), planned=D(-1))


# --- properties -----------------------------------------------------------------------------

counts = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)
shares = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False)
positive = st.decimals(min_value="0.01", max_value=10_000, places=2, allow_nan=False)
BANDS = ("inflow", "stock_under_3", "stock_3_to_6", "stock_over_6")


@st.composite
def unit_inputs(draw, month=MARCH_2024):
    return Inputs(month=month, **{name: draw(counts) for name in BANDS})


@st.composite
def rule_sets(draw):
    base = rules_2022()

    def meeting(rule):
        return replace(
            rule, meetings=draw(counts), minutes=draw(positive), two_staff_share=draw(shares)
        )

    return replace(
        base,
        initial_interview=meeting(base.initial_interview),
        intensive=meeting(base.intensive),
        six_month=meeting(base.six_month),
        follow_up=meeting(base.follow_up),
        six_month_period_months=draw(st.decimals(min_value=0, max_value=3, places=1)),
        repeat_every_months=draw(st.none() | st.decimals(min_value=3, max_value=12, places=0)),
        productive_hours_per_fte_year=draw(positive),
        admin_overhead_share=draw(shares),
    )


@settings(max_examples=200)
@given(inputs=unit_inputs(), rules=rule_sets(), band=st.sampled_from(BANDS), extra=positive)
def test_more_job_seekers_never_need_less_fte(inputs, rules, band, extra):
    more = replace(inputs, **{band: getattr(inputs, band) + extra})
    before = required_capacity(inputs=inputs, rules=rules)
    after = required_capacity(inputs=more, rules=rules)
    assert after.fte >= before.fte
    assert after.total_meetings >= before.total_meetings
    assert all(after.meetings[t] >= before.meetings[t] for t in MeetingType)


@settings(max_examples=100)
@given(rules=rule_sets())
def test_zero_in_zero_out(rules):
    result = required_capacity(inputs=unit(MARCH_2024, 0, 0, 0, 0), rules=rules)
    assert result.fte == Quantity(Fraction(0))
    assert result.staff_hours.value == 0
    assert all(q.exact == 0 for q in result.meetings.values())


@settings(max_examples=200)
@given(inputs=unit_inputs(), rules=rule_sets())
def test_doubling_every_meeting_rate_doubles_meetings_exactly(inputs, rules):
    doubled = replace(
        rules,
        **{
            name: replace(getattr(rules, name), meetings=getattr(rules, name).meetings * 2)
            for name in ("initial_interview", "intensive", "six_month", "follow_up")
        },
    )
    single = required_capacity(inputs=inputs, rules=rules)
    double = required_capacity(inputs=inputs, rules=doubled)
    for meeting_type in MeetingType:
        assert double.meetings[meeting_type].exact == 2 * single.meetings[meeting_type].exact
    assert double.total_meetings.exact == 2 * single.total_meetings.exact
    assert double.fte.exact == 2 * single.fte.exact


@settings(max_examples=200)
@given(inputs=unit_inputs(), rules=rule_sets())
def test_units_are_consistent(inputs, rules):
    result = required_capacity(inputs=inputs, rules=rules)
    assert result.total_meetings.exact == sum(q.exact for q in result.meetings.values())
    minutes = sum(
        result.meetings[t].exact * Fraction(rule.minutes) * (1 + Fraction(rule.two_staff_share))
        for t, rule in rules.meeting_rules().items()
    )
    assert result.meeting_hours.exact * 60 == minutes
    assert result.staff_hours.exact == result.meeting_hours.exact + result.admin_hours.exact
    assert result.admin_hours <= result.meeting_hours  # admin share is at most 1 here
    # FTE × productive hours per month gives back the hours, and a year is 12 months
    assert result.fte.exact * result.hours_per_fte_month.exact == result.staff_hours.exact
    assert result.hours_per_fte_month.exact * 12 == Fraction(rules.productive_hours_per_fte_year)
    # the 3-monthly stock is never negative, so each meeting type is non-negative
    assert all(q.exact >= 0 for q in result.meetings.values())


@settings(max_examples=200)
@given(first=unit_inputs(), second=unit_inputs(), rules=rule_sets())
def test_units_add_up(first, second, rules):
    # Linear in the inputs: two serving units' FTE sum to the FTE of the two together.
    together = Inputs(
        month=MARCH_2024, **{name: getattr(first, name) + getattr(second, name) for name in BANDS}
    )
    parts = [required_capacity(inputs=i, rules=rules).fte.exact for i in (first, second)]
    assert required_capacity(inputs=together, rules=rules).fte.exact == sum(parts)


@settings(max_examples=100)
@given(inputs=unit_inputs(), rules=rule_sets(), factor=st.integers(min_value=2, max_value=12))
def test_more_productive_hours_means_proportionally_fewer_fte(inputs, rules, factor):
    more_hours = replace(
        rules, productive_hours_per_fte_year=rules.productive_hours_per_fte_year * factor
    )
    base = required_capacity(inputs=inputs, rules=rules).fte.exact
    assert required_capacity(inputs=inputs, rules=more_hours).fte.exact * factor == base


@settings(max_examples=100)
@given(day=st.dates(min_value=date(2022, 5, 2), max_value=date(2100, 1, 1)))
def test_rule_set_for_does_not_depend_on_order(day):
    forward = rule_set_for(month=day, rule_sets=[rules_2022(), rules_2026()])
    backward = rule_set_for(month=day, rule_sets=[rules_2026(), rules_2022()])
    assert forward == backward
    assert forward.valid_on(day)


@settings(max_examples=100)
@given(value=st.fractions(min_value=0, max_value=10_000, max_denominator=10_000))
def test_quantity_rounding_is_from_the_exact_ratio(value):
    quantity = Quantity(value)
    assert abs(Fraction(quantity.rounded(step=D("0.1"))) - value) <= Fraction(1, 20)
    assert abs(Fraction(quantity.value) - value) < Fraction(1, 10**40)


def test_module_imports_only_the_stdlib_and_rounding():
    import ast
    import sys
    from pathlib import Path

    import staffing.capacity

    tree = ast.parse(Path(staffing.capacity.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    outside = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names}
    assert outside == {"staffing.rounding"}
