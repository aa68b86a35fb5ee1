"""Required capacity: the client-work FTE that the law's meeting rhythm implies.

Meetings per month follow from the inflow of new unemployed job seekers and the
stock by duration of the job search; minutes per meeting, the share needing a
second person, administration and productive hours turn them into FTE. The law
and the area's assumptions are data (``RuleSet``), never constants in the code
paths, so a dated rule set from the database can replace ``rules_2022()`` and
``rules_2026()``, which are only the documented seed values.

Arithmetic is exact (``fractions.Fraction`` of the ``Decimal`` inputs): 5
discussions over 3 months is 5/3 per person-month, which no ``Decimal`` holds.
Each result is a ``Quantity``; it becomes a ``Decimal`` only through
``staffing.rounding`` (``quotient`` for display, ``quantize_ratio`` with a named
mode to a step), so nothing is rounded twice. Missing inputs are derived with
visible ``Assumption`` records, never silent defaults.

Pure Python, no Django: views translate the English messages by ``code``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

from staffing.rounding import (
    DEFAULT_STEP,
    CalculationError,
    exact_context,
    quantize_ratio,
    quotient,
    to_decimal,
)

__all__ = [
    "BAND_3_TO_6_MONTHS",
    "Assumption",
    "CapacityError",
    "CapacityGap",
    "CapacityResult",
    "Derivation",
    "DerivationShares",
    "Inputs",
    "InvalidRuleSetError",
    "InvalidShareError",
    "LongTermExceedsUnemployedError",
    "MeetingRule",
    "MeetingType",
    "Measures",
    "MissingInputError",
    "NegativeInputError",
    "NoRuleSetError",
    "OverlappingRuleSetsError",
    "Quantity",
    "RuleSet",
    "RuleSetNotValidError",
    "capacity_gap",
    "derive_inputs",
    "required_capacity",
    "rule_set_for",
    "rules_2022",
    "rules_2026",
]

#: Width of the statistics band "3–6 months": a property of the inputs, not of the law.
#: With durations spread evenly in the band, stock_3_to_6 / 3 persons reach 6 months a month.
BAND_3_TO_6_MONTHS = Decimal(3)
MINUTES_PER_HOUR = 60
MONTHS_PER_YEAR = 12


# --- errors ---------------------------------------------------------------------------------


class CapacityError(CalculationError):
    code: ClassVar[str] = "capacity_error"
    template: ClassVar[str] = "Required capacity cannot be computed"


class InvalidRuleSetError(CapacityError):
    code = "invalid_rule_set"
    template = "Rule set {rule_set}: {name} is out of range ({value})"


class NoRuleSetError(CapacityError):
    code = "no_rule_set"
    template = "No rule set is valid on {month}"


class OverlappingRuleSetsError(CapacityError):
    code = "overlapping_rule_sets"
    template = "Several rule sets are valid on {month}: {names}"


class RuleSetNotValidError(CapacityError):
    code = "rule_set_not_valid"
    template = "Rule set {rule_set} is not valid on {month}"


class NegativeInputError(CapacityError):
    code = "negative_input"
    template = "{name} cannot be negative ({value})"


class InvalidShareError(CapacityError):
    code = "invalid_share"
    template = "{name} must be between 0 and 1 ({value})"


class LongTermExceedsUnemployedError(CapacityError):
    code = "long_term_exceeds_unemployed"
    template = "Long-term unemployed ({long_term}) exceed the unemployed ({unemployed})"


class MissingInputError(CapacityError):
    code = "missing_input"
    template = "{name} is missing and cannot be derived (give {needs})"


# --- exact quantities -----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quantity:
    """An exact result (meetings, hours, FTE); compare and add ``exact``, show ``value``."""

    exact: Fraction

    @property
    def value(self) -> Decimal:
        """The quantity as a Decimal to 50 significant digits (``rounding.quotient``)."""
        return quotient(Decimal(self.exact.numerator), Decimal(self.exact.denominator))

    def rounded(self, *, step: Decimal = DEFAULT_STEP, mode: str = ROUND_HALF_UP) -> Decimal:
        """Rounded once, from the exact ratio, to ``step`` with a named mode."""
        return quantize_ratio(
            numerator=Decimal(self.exact.numerator),
            denominator=Decimal(self.exact.denominator),
            step=step,
            mode=mode,
        )


# --- rule sets ------------------------------------------------------------------------------


class MeetingType(StrEnum):
    INITIAL_INTERVIEW = "initial_interview"
    INTENSIVE = "intensive_discussion"
    SIX_MONTH = "six_month_discussion"
    FOLLOW_UP = "follow_up_discussion"


@dataclass(frozen=True)
class MeetingRule:
    """One meeting type: how many per person in its phase, minutes, second-person share.

    ``by_need`` marks a count the law leaves to need: it is then the area's
    assumption and is listed with every result.
    """

    meetings: Decimal
    minutes: Decimal
    two_staff_share: Decimal = Decimal(0)
    by_need: bool = False


@dataclass(frozen=True)
class RuleSet:
    """The meeting rhythm of one period, with the area's assumptions, as data.

    Per month, for a serving unit:
      initial interviews   = inflow × initial_interview.meetings
      intensive            = stock_under_3 × intensive.meetings / intensive_period_months
      six-month            = crossing × six_month.meetings, where
                             crossing = stock_3_to_6 / 3 (+ stock_over_6 / repeat_every_months
                             when the repeat recurs)
      follow-up            = (stock_3_to_6 + stock_over_6 − crossing × six_month_period_months)
                             × follow_up.meetings / follow_up_interval_months
    Staff minutes = meetings × minutes × (1 + two_staff_share); staff hours add
    ``admin_overhead_share`` of the meeting hours (0,5 = half an hour of preparation
    and records per meeting hour); FTE = hours ÷ (productive_hours_per_fte_year / 12).
    """

    name: str
    valid_from: date
    valid_to: date | None
    source: str
    source_url: str
    initial_interview: MeetingRule
    intensive: MeetingRule
    intensive_period_months: Decimal
    six_month: MeetingRule
    #: Length of the repeated intensive period; no follow-up discussion is counted in it.
    six_month_period_months: Decimal
    follow_up: MeetingRule
    follow_up_interval_months: Decimal
    productive_hours_per_fte_year: Decimal
    admin_overhead_share: Decimal
    #: None: the intensive month comes once, at 6 months; 6: it recurs every half year.
    repeat_every_months: Decimal | None = None
    #: Deadline of the initial interview; informative, the monthly volume does not depend on it.
    initial_interview_working_days: int | None = None

    def __post_init__(self) -> None:
        def check(name: str, value: object, *, positive=False, at_most=None) -> None:
            number = to_decimal(value, name=name)
            too_big = at_most is not None and number > at_most
            if number < 0 or (positive and number == 0) or too_big:
                raise InvalidRuleSetError(rule_set=self.name, name=name, value=number)

        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise InvalidRuleSetError(rule_set=self.name, name="valid_to", value=self.valid_to)
        for meeting_type, rule in self.meeting_rules().items():
            check(f"{meeting_type}.meetings", rule.meetings)
            check(f"{meeting_type}.minutes", rule.minutes)
            check(f"{meeting_type}.two_staff_share", rule.two_staff_share, at_most=1)
        check("intensive_period_months", self.intensive_period_months, positive=True)
        check("follow_up_interval_months", self.follow_up_interval_months, positive=True)
        check("productive_hours_per_fte_year", self.productive_hours_per_fte_year, positive=True)
        check("admin_overhead_share", self.admin_overhead_share)
        limit = BAND_3_TO_6_MONTHS
        if self.repeat_every_months is not None:
            check("repeat_every_months", self.repeat_every_months, positive=True)
            limit = min(limit, self.repeat_every_months)
        # a longer repeated period would take more people out of follow-up than reach it
        check("six_month_period_months", self.six_month_period_months, at_most=limit)

    def meeting_rules(self) -> dict[MeetingType, MeetingRule]:
        return {
            MeetingType.INITIAL_INTERVIEW: self.initial_interview,
            MeetingType.INTENSIVE: self.intensive,
            MeetingType.SIX_MONTH: self.six_month,
            MeetingType.FOLLOW_UP: self.follow_up,
        }

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


#: Area assumptions shared by both seed rule sets (see ``rules_2022``).
_INITIAL_MINUTES, _DISCUSSION_MINUTES, _FOLLOW_UP_MINUTES = Decimal(60), Decimal(30), Decimal(45)
_TWO_STAFF_SHARE = Decimal("0.05")
_PRODUCTIVE_HOURS = Decimal(1400)
_ADMIN_SHARE = Decimal("0.5")
_ASSUMPTIONS_NOTE = (
    " Area assumptions (edit per area): initial interview 60 min, supplementary discussion"
    " 30 min (often by phone), 3-monthly discussion 45 min; 5 % of initial and 3-monthly"
    " meetings with a second person; 0,5 h of preparation and records per meeting hour;"
    " 1400 productive hours per FTE-year (about 251 working days less 30 leave, 9 sick,"
    " 5 training and 10 travel/internal days, × 7 h 15 min)."
)


def rules_2022() -> RuleSet:
    """The Nordic job-seeking model from 2.5.2022 (HE 167/2021), valid until 31.12.2025."""
    return RuleSet(
        name="Pohjoismainen työvoimapalvelumalli 2022",
        valid_from=date(2022, 5, 2),
        valid_to=date(2025, 12, 31),
        source=(
            "HE 167/2021 (laki 1379/2021): initial interview within 5 working days; supplementary"
            " job-search discussions every 2 weeks for the first 3 months (about 5 after the"
            " interview); a job-search discussion at least every 3 months; at 6 months a"
            " one-month intensive period with 2 discussions. The HE summary says the period"
            " recurs 'puolen vuoden välein' (every half year): set repeat_every_months=6 for"
            " that reading." + _ASSUMPTIONS_NOTE
        ),
        source_url="https://www.eduskunta.fi/FI/vaski/HallituksenEsitys/Sivut/HE_167+2021.aspx",
        initial_interview=MeetingRule(Decimal(1), _INITIAL_MINUTES, _TWO_STAFF_SHARE),
        intensive=MeetingRule(Decimal(5), _DISCUSSION_MINUTES),
        intensive_period_months=Decimal(3),
        six_month=MeetingRule(Decimal(2), _DISCUSSION_MINUTES),
        six_month_period_months=Decimal(1),
        follow_up=MeetingRule(Decimal(1), _FOLLOW_UP_MINUTES, _TWO_STAFF_SHARE),
        follow_up_interval_months=Decimal(3),
        productive_hours_per_fte_year=_PRODUCTIVE_HOURS,
        admin_overhead_share=_ADMIN_SHARE,
        initial_interview_working_days=5,
    )


def rules_2026(
    *, intensive_by_need: Decimal = Decimal(2), six_month_by_need: Decimal = Decimal(1)
) -> RuleSet:
    """From 1.1.2026 (HE 108/2025): supplementary discussions by need, 3-monthly stays.

    The by-need counts are the area's assumption: by default 2 supplementary
    discussions in the first 3 months and 1 at 6 months, 40–50 % of the 2022
    fixed rhythm, which the law no longer requires. Minutes and hours as in 2022.
    """
    base = rules_2022()
    return replace(
        base,
        name="Palveluprosessi 2026",
        valid_from=date(2026, 1, 1),
        valid_to=None,
        source=(
            "HE 108/2025: initial interview within 10 working days; supplementary job-search"
            " discussions by need instead of a fixed rhythm (the 2022 intensive periods go);"
            " a job-search discussion at least every 3 months. By-need counts assumed:"
            f" {intensive_by_need} in months 0–3, {six_month_by_need} at 6 months."
            + _ASSUMPTIONS_NOTE
        ),
        source_url="https://www.eduskunta.fi/valtiopaivaasiakirjat/HE+108/2025",
        intensive=replace(base.intensive, meetings=intensive_by_need, by_need=True),
        six_month=replace(base.six_month, meetings=six_month_by_need, by_need=True),
        six_month_period_months=Decimal(0),  # no fixed intensive month: follow-up goes on
        initial_interview_working_days=10,
    )


def rule_set_for(*, month: date, rule_sets: Iterable[RuleSet]) -> RuleSet:
    """The one rule set valid on ``month`` (the date as given); none or several is an error."""
    valid = [rules for rules in rule_sets if rules.valid_on(month)]
    if not valid:
        raise NoRuleSetError(month=month)
    if len(valid) > 1:
        raise OverlappingRuleSetsError(
            month=month, names=", ".join(sorted(rules.name for rules in valid))
        )
    return valid[0]


# --- inputs and their derivation ------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """One month of one serving unit: the inflow and the stock by job-search duration."""

    month: date
    inflow: Decimal | None = None
    stock_under_3: Decimal | None = None
    stock_3_to_6: Decimal | None = None
    stock_over_6: Decimal | None = None

    COUNTS: ClassVar[tuple[str, ...]] = ("inflow", "stock_under_3", "stock_3_to_6", "stock_over_6")

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(name for name in self.COUNTS if getattr(self, name) is None)


@dataclass(frozen=True)
class Measures:
    """The figures that usually exist (StatFin 12r5): long-term = unemployed ≥ 12 months."""

    unemployed: Decimal | None = None
    long_term_unemployed: Decimal | None = None
    job_seekers: Decimal | None = None


@dataclass(frozen=True)
class DerivationShares:
    """Assumed rates for deriving missing inputs; each use is listed as an ``Assumption``."""

    #: Seed 001: 652 unemployed of 1357 job seekers (48 %).
    unemployed_per_job_seeker: Decimal = Decimal("0.48")
    #: New unemployed in a month per unemployed in stock; order of magnitude, not a statistic.
    monthly_inflow_rate: Decimal = Decimal("0.15")
    #: Long-term unemployed per unemployed; about a third nationally in 2024–2025.
    long_term_share: Decimal = Decimal("0.33")
    #: Of the unemployed under 12 months: under 3 and 3–6 months; the rest is 6–12 months.
    under_3_share: Decimal = Decimal("0.45")
    from_3_to_6_share: Decimal = Decimal("0.25")

    def __post_init__(self) -> None:
        for name in ("unemployed_per_job_seeker", "monthly_inflow_rate", "long_term_share"):
            _share(getattr(self, name), name)
        _share(self.under_3_share + self.from_3_to_6_share, "under_3_share + from_3_to_6_share")


def _share(value: object, name: str) -> Decimal:
    number = to_decimal(value, name=name)
    if not 0 <= number <= 1:
        raise InvalidShareError(name=name, value=number)
    return number


@dataclass(frozen=True)
class Assumption:
    """A value used without being given: ``code`` names the rule, ``params`` its inputs."""

    code: str
    value: Decimal
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Derivation:
    inputs: Inputs
    assumptions: tuple[Assumption, ...]


def _count(value: object, name: str) -> Decimal:
    number = to_decimal(value, name=name)
    if number < 0:
        raise NegativeInputError(name=name, value=number)
    return number


def derive_inputs(
    *, inputs: Inputs, measures: Measures, shares: DerivationShares = DerivationShares()
) -> Derivation:
    """Fill the missing inputs from ``measures``; given inputs are kept as they are."""
    if not inputs.missing:
        return Derivation(inputs=inputs, assumptions=())
    assumptions: list[Assumption] = []

    def times(a: Decimal, b: Decimal) -> Decimal:
        with exact_context(a, b):  # traps any rounding: products of decimals are exact
            return a * b

    if measures.unemployed is not None:
        unemployed = _count(measures.unemployed, "unemployed")
    elif measures.job_seekers is not None:
        job_seekers = _count(measures.job_seekers, "job_seekers")
        unemployed = times(job_seekers, shares.unemployed_per_job_seeker)
        params = {"job_seekers": job_seekers, "share": shares.unemployed_per_job_seeker}
        assumptions.append(Assumption("unemployed_from_job_seekers", unemployed, params))
    else:
        raise MissingInputError(name=inputs.missing[0], needs="unemployed or job_seekers")

    values: dict[str, Decimal] = {}
    if inputs.inflow is None:
        values["inflow"] = times(unemployed, shares.monthly_inflow_rate)
        params = {"unemployed": unemployed, "rate": shares.monthly_inflow_rate}
        assumptions.append(Assumption("inflow_from_unemployed", values["inflow"], params))

    if any(name != "inflow" for name in inputs.missing):
        if measures.long_term_unemployed is not None:
            long_term = _count(measures.long_term_unemployed, "long_term_unemployed")
            if long_term > unemployed:
                raise LongTermExceedsUnemployedError(long_term=long_term, unemployed=unemployed)
        else:
            long_term = times(unemployed, shares.long_term_share)
            params = {"unemployed": unemployed, "share": shares.long_term_share}
            assumptions.append(Assumption("long_term_from_unemployed", long_term, params))
        with exact_context(unemployed, long_term, shares.under_3_share, shares.from_3_to_6_share):
            short = unemployed - long_term
            rest_share = 1 - shares.under_3_share - shares.from_3_to_6_share
            bands = {
                "stock_under_3": (short * shares.under_3_share, shares.under_3_share),
                "stock_3_to_6": (short * shares.from_3_to_6_share, shares.from_3_to_6_share),
                "stock_over_6": (short * rest_share + long_term, rest_share),
            }
        for name, (value, share) in bands.items():
            if getattr(inputs, name) is None:
                values[name] = value
                params = {"under_12_months": short, "share": share, "long_term": long_term}
                assumptions.append(Assumption(f"{name}_from_unemployed", value, params))
    return Derivation(inputs=replace(inputs, **values), assumptions=tuple(assumptions))


# --- required capacity ----------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityResult:
    month: date
    rules: RuleSet
    inputs: Inputs
    meetings: Mapping[MeetingType, Quantity]
    total_meetings: Quantity
    #: Staff hours in meetings, the second person included.
    meeting_hours: Quantity
    admin_hours: Quantity
    staff_hours: Quantity
    hours_per_fte_month: Quantity
    fte: Quantity
    assumptions: tuple[Assumption, ...]


def required_capacity(
    *,
    inputs: Inputs,
    rules: RuleSet,
    measures: Measures | None = None,
    shares: DerivationShares = DerivationShares(),
) -> CapacityResult:
    """Meetings, staff hours and client-work FTE for one month and one serving unit.

    Missing inputs are derived from ``measures`` (listed as assumptions); without
    measures a missing input is an error. By-need counts of the rule set are
    listed as assumptions too.
    """
    if not rules.valid_on(inputs.month):
        raise RuleSetNotValidError(rule_set=rules.name, month=inputs.month)
    assumptions: tuple[Assumption, ...] = ()
    if inputs.missing:
        if measures is None:
            raise MissingInputError(name=inputs.missing[0], needs="measures")
        derivation = derive_inputs(inputs=inputs, measures=measures, shares=shares)
        inputs, assumptions = derivation.inputs, derivation.assumptions
    inflow, under_3, from_3_to_6, over_6 = (
        Fraction(_count(getattr(inputs, name), name)) for name in Inputs.COUNTS
    )

    crossing = from_3_to_6 / Fraction(BAND_3_TO_6_MONTHS)
    if rules.repeat_every_months is not None:
        crossing += over_6 / Fraction(rules.repeat_every_months)
    in_repeat = crossing * Fraction(rules.six_month_period_months)
    per_person = {
        MeetingType.INITIAL_INTERVIEW: inflow,
        MeetingType.INTENSIVE: under_3 / Fraction(rules.intensive_period_months),
        MeetingType.SIX_MONTH: crossing,
        MeetingType.FOLLOW_UP: (from_3_to_6 + over_6 - in_repeat)
        / Fraction(rules.follow_up_interval_months),
    }

    meetings: dict[MeetingType, Fraction] = {}
    meeting_minutes = Fraction(0)
    for meeting_type, rule in rules.meeting_rules().items():
        meetings[meeting_type] = per_person[meeting_type] * Fraction(rule.meetings)
        staff = 1 + Fraction(rule.two_staff_share)
        meeting_minutes += meetings[meeting_type] * Fraction(rule.minutes) * staff
        if rule.by_need:
            params = {"meeting_type": str(meeting_type), "rule_set": rules.name}
            assumptions += (Assumption(f"by_need_{meeting_type}", rule.meetings, params),)

    meeting_hours = meeting_minutes / MINUTES_PER_HOUR
    admin_hours = meeting_hours * Fraction(rules.admin_overhead_share)
    staff_hours = meeting_hours + admin_hours
    hours_per_fte_month = Fraction(rules.productive_hours_per_fte_year) / MONTHS_PER_YEAR
    return CapacityResult(
        month=inputs.month,
        rules=rules,
        inputs=inputs,
        meetings={meeting_type: Quantity(value) for meeting_type, value in meetings.items()},
        total_meetings=Quantity(sum(meetings.values(), Fraction(0))),
        meeting_hours=Quantity(meeting_hours),
        admin_hours=Quantity(admin_hours),
        staff_hours=Quantity(staff_hours),
        hours_per_fte_month=Quantity(hours_per_fte_month),
        fte=Quantity(staff_hours / hours_per_fte_month),
        assumptions=assumptions,
    )


# --- gap against the plan -------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityGap:
    """``gap`` = required − planned (positive: too few advisors); ``share`` = gap ÷ required."""

    required: Quantity
    planned: Quantity
    gap: Quantity
    share: Quantity | None


def capacity_gap(*, required: Quantity | Decimal | int, planned: Decimal | int) -> CapacityGap:
    """The plan's client-work FTE held against the required; no share when nothing is required."""
    needed = (
        required.exact if isinstance(required, Quantity) else Fraction(_count(required, "required"))
    )
    if needed < 0:
        raise NegativeInputError(
            name="required", value=quotient(needed.numerator, needed.denominator)
        )
    have = Fraction(_count(planned, "planned"))
    gap = needed - have
    return CapacityGap(
        required=Quantity(needed),
        planned=Quantity(have),
        gap=Quantity(gap),
        share=None if needed == 0 else Quantity(gap / needed),
    )
