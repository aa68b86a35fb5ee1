"""Dated rule sets of required capacity: the law's meeting rhythm and the area's assumptions.

One row holds the fields of the pure ``staffing.capacity.RuleSet``; ``to_rule_set`` and
``rule_set_fields`` convert both ways, in this module only. A row without a pilot is the
national rule set; a pilot's own row (its copy with other minutes or hours) replaces the
national one for that pilot.
"""

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from municipalities.models import Pilot
from staffing.capacity import CapacityError, DerivationShares, MeetingRule, MeetingType, RuleSet

#: Meeting types in the order of the law's process, each as a field prefix.
MEETING_PREFIXES = {
    MeetingType.INITIAL_INTERVIEW: "initial_interview",
    MeetingType.INTENSIVE: "intensive",
    MeetingType.SIX_MONTH: "six_month",
    MeetingType.FOLLOW_UP: "follow_up",
}
MEETING_LABELS = {
    MeetingType.INITIAL_INTERVIEW: _("initial interview"),
    MeetingType.INTENSIVE: _("supplementary discussions, months 0–3"),
    MeetingType.SIX_MONTH: _("discussions at 6 months"),
    MeetingType.FOLLOW_UP: _("3-monthly job-search discussion"),
}
_PERIOD_FIELDS = (
    "intensive_period_months",
    "six_month_period_months",
    "follow_up_interval_months",
    "productive_hours_per_fte_year",
    "admin_overhead_share",
    "repeat_every_months",
    "initial_interview_working_days",
)


def _number(label, **options):
    return models.DecimalField(label, max_digits=7, decimal_places=2, **options)


def _meetings(meeting_type):
    return _number(
        format_lazy("{}: {}", MEETING_LABELS[meeting_type], _("meetings per person")),
        help_text=_("Where the law says 'by need', the area's assumption."),
    )


def _minutes(meeting_type):
    return _number(format_lazy("{}: {}", MEETING_LABELS[meeting_type], _("minutes")))


def _two_staff_share(meeting_type):
    return models.DecimalField(
        format_lazy("{}: {}", MEETING_LABELS[meeting_type], _("share with a second person")),
        max_digits=4,
        decimal_places=3,
        default=0,
        help_text=_("0–1, e.g. 0,05."),
    )


def _by_need(meeting_type):
    return models.BooleanField(
        format_lazy("{}: {}", MEETING_LABELS[meeting_type], _("by need")), default=False
    )


def _share_between_0_and_1():
    condition = Q()
    for prefix in MEETING_PREFIXES.values():
        condition &= Q(**{f"{prefix}_two_staff_share__gte": 0, f"{prefix}_two_staff_share__lte": 1})
    return condition


def _counts_not_negative():
    condition = Q(admin_overhead_share__gte=0, six_month_period_months__gte=0)
    for prefix in MEETING_PREFIXES.values():
        condition &= Q(**{f"{prefix}_meetings__gte": 0, f"{prefix}_minutes__gte": 0})
    return condition


class CapacityRuleSet(models.Model):
    """The meeting rhythm of one period and the area's assumptions (see ``RuleSet``)."""

    pilot = models.ForeignKey(
        Pilot,
        verbose_name=_("pilot"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="capacity_rule_sets",
        help_text=_("Empty: the national rule set. A pilot's own copy replaces it for the pilot."),
    )
    name = models.CharField(_("name"), max_length=150)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.TextField(_("source"))
    source_url = models.URLField(_("link to the source"), max_length=300, blank=True)
    initial_interview_meetings = _meetings(MeetingType.INITIAL_INTERVIEW)
    initial_interview_minutes = _minutes(MeetingType.INITIAL_INTERVIEW)
    initial_interview_two_staff_share = _two_staff_share(MeetingType.INITIAL_INTERVIEW)
    initial_interview_by_need = _by_need(MeetingType.INITIAL_INTERVIEW)
    intensive_meetings = _meetings(MeetingType.INTENSIVE)
    intensive_minutes = _minutes(MeetingType.INTENSIVE)
    intensive_two_staff_share = _two_staff_share(MeetingType.INTENSIVE)
    intensive_by_need = _by_need(MeetingType.INTENSIVE)
    six_month_meetings = _meetings(MeetingType.SIX_MONTH)
    six_month_minutes = _minutes(MeetingType.SIX_MONTH)
    six_month_two_staff_share = _two_staff_share(MeetingType.SIX_MONTH)
    six_month_by_need = _by_need(MeetingType.SIX_MONTH)
    follow_up_meetings = _meetings(MeetingType.FOLLOW_UP)
    follow_up_minutes = _minutes(MeetingType.FOLLOW_UP)
    follow_up_two_staff_share = _two_staff_share(MeetingType.FOLLOW_UP)
    follow_up_by_need = _by_need(MeetingType.FOLLOW_UP)
    intensive_period_months = _number(_("length of the first period (months)"))
    six_month_period_months = _number(
        _("length of the period at 6 months (months)"),
        help_text=_("No 3-monthly discussion is counted in it; 0 when there is no such period."),
    )
    follow_up_interval_months = _number(_("interval of the job-search discussions (months)"))
    productive_hours_per_fte_year = _number(_("productive hours per FTE-year"))
    admin_overhead_share = _number(
        _("preparation and records per meeting hour (hours)"), help_text=_("e.g. 0,5.")
    )
    repeat_every_months = _number(
        _("the period at 6 months recurs every (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: it comes once."),
    )
    initial_interview_working_days = models.PositiveSmallIntegerField(
        _("initial interview within (working days)"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pilot", "-valid_from", "name"]
        verbose_name = _("capacity rule set")
        verbose_name_plural = _("capacity rule sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_from",
                violation_error_message=_("A rule set cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=_share_between_0_and_1(),
                name="%(app_label)s_%(class)s_shares_0_to_1",
                violation_error_message=_("A share with a second person is between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(
                    productive_hours_per_fte_year__gt=0,
                    intensive_period_months__gt=0,
                    follow_up_interval_months__gt=0,
                )
                & (Q(repeat_every_months__isnull=True) | Q(repeat_every_months__gt=0)),
                name="%(app_label)s_%(class)s_hours_and_periods_positive",
                violation_error_message=_(
                    "Productive hours, the first period, the interval and the recurrence must "
                    "be greater than zero."
                ),
            ),
            models.CheckConstraint(
                condition=_counts_not_negative(),
                name="%(app_label)s_%(class)s_counts_not_negative",
                violation_error_message=_(
                    "Meetings, minutes, preparation and the period at 6 months cannot be negative."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.pilot}: {self.name}" if self.pilot_id else self.name

    def clean(self):
        super().clean()
        required = [f.attname for f in self._meta.concrete_fields if not (f.null or f.primary_key)]
        if any(getattr(self, name) is None for name in required):
            return  # the fields report what is missing
        try:
            self.to_rule_set()
        except CapacityError as error:
            # what the field rules cannot see, e.g. a period at 6 months longer than 3 months
            raise ValidationError(str(error)) from error

    def to_rule_set(self) -> RuleSet:
        """The pure rule set of this row: the one conversion from the database."""
        rules = {
            meeting_type: MeetingRule(
                meetings=getattr(self, f"{prefix}_meetings"),
                minutes=getattr(self, f"{prefix}_minutes"),
                two_staff_share=getattr(self, f"{prefix}_two_staff_share"),
                by_need=getattr(self, f"{prefix}_by_need"),
            )
            for meeting_type, prefix in MEETING_PREFIXES.items()
        }
        return RuleSet(
            name=self.name,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            source=self.source,
            source_url=self.source_url,
            initial_interview=rules[MeetingType.INITIAL_INTERVIEW],
            intensive=rules[MeetingType.INTENSIVE],
            six_month=rules[MeetingType.SIX_MONTH],
            follow_up=rules[MeetingType.FOLLOW_UP],
            **{name: getattr(self, name) for name in _PERIOD_FIELDS},
        )


def rule_set_fields(rules: RuleSet) -> dict:
    """The model fields of a pure rule set."""
    fields = {
        "name": rules.name,
        "valid_from": rules.valid_from,
        "valid_to": rules.valid_to,
        "source": rules.source,
        "source_url": rules.source_url,
        **{name: getattr(rules, name) for name in _PERIOD_FIELDS},
    }
    for meeting_type, rule in rules.meeting_rules().items():
        prefix = MEETING_PREFIXES[meeting_type]
        fields |= {
            f"{prefix}_meetings": rule.meetings,
            f"{prefix}_minutes": rule.minutes,
            f"{prefix}_two_staff_share": rule.two_staff_share,
            f"{prefix}_by_need": rule.by_need,
        }
    return fields


#: A scenario's own values of the rule set: field name → (meeting rule or None, its attribute).
SCENARIO_RULE_FIELDS = {
    "intensive_meetings": ("intensive", "meetings"),
    "six_month_meetings": ("six_month", "meetings"),
    "initial_interview_minutes": ("initial_interview", "minutes"),
    "intensive_minutes": ("intensive", "minutes"),
    "six_month_minutes": ("six_month", "minutes"),
    "follow_up_minutes": ("follow_up", "minutes"),
    "productive_hours_per_fte_year": (None, "productive_hours_per_fte_year"),
    "admin_overhead_share": (None, "admin_overhead_share"),
}
_NOT_NEGATIVE = tuple(name for name in SCENARIO_RULE_FIELDS if "productive" not in name)
SCENARIO_SHARE_FIELDS = (
    "unemployed_per_job_seeker",
    "monthly_inflow_rate",
    "long_term_share",
    "under_3_share",
    "from_3_to_6_share",
)


def _own(field):
    """A scenario's copy of a rule set field: empty means the rule set's value."""
    return _number(field.verbose_name, null=True, blank=True)


def _share(label):
    return models.DecimalField(label, max_digits=4, decimal_places=3, null=True, blank=True)


def _all_null_or(names, **bounds):
    condition = Q()
    for name in names:
        condition &= Q(**{f"{name}__isnull": True}) | Q(
            **{f"{name}__{lookup}": bound for lookup, bound in bounds.items()}
        )
    return condition


class ScenarioAssumptions(models.Model):
    """A what-if scenario's own assumptions of required capacity; empty fields keep the
    stored rule set's value or the default derivation share."""

    plan = models.OneToOneField(
        "staffing.StaffingPlan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="capacity_assumptions",
    )
    intensive_meetings = _own(CapacityRuleSet._meta.get_field("intensive_meetings"))
    six_month_meetings = _own(CapacityRuleSet._meta.get_field("six_month_meetings"))
    initial_interview_minutes = _own(CapacityRuleSet._meta.get_field("initial_interview_minutes"))
    intensive_minutes = _own(CapacityRuleSet._meta.get_field("intensive_minutes"))
    six_month_minutes = _own(CapacityRuleSet._meta.get_field("six_month_minutes"))
    follow_up_minutes = _own(CapacityRuleSet._meta.get_field("follow_up_minutes"))
    productive_hours_per_fte_year = _own(
        CapacityRuleSet._meta.get_field("productive_hours_per_fte_year")
    )
    admin_overhead_share = _own(CapacityRuleSet._meta.get_field("admin_overhead_share"))
    unemployed_per_job_seeker = _share(_("unemployed per job seeker"))
    monthly_inflow_rate = _share(_("new unemployed a month per unemployed"))
    long_term_share = _share(_("long-term unemployed per unemployed"))
    under_3_share = _share(_("share under 3 months of those unemployed under 12 months"))
    from_3_to_6_share = _share(_("share 3–6 months of those unemployed under 12 months"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan"]
        verbose_name = _("scenario assumptions")
        verbose_name_plural = _("scenario assumptions")
        constraints = [
            models.CheckConstraint(
                condition=_all_null_or(SCENARIO_SHARE_FIELDS, gte=0, lte=1),
                name="%(app_label)s_%(class)s_shares_0_to_1",
                violation_error_message=_("A share is between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=_all_null_or(("productive_hours_per_fte_year",), gt=0)
                & _all_null_or(_NOT_NEGATIVE, gte=0),
                name="%(app_label)s_%(class)s_hours_positive",
                violation_error_message=_(
                    "Productive hours must be greater than zero; meetings, minutes and "
                    "preparation cannot be negative."
                ),
            ),
        ]

    def __str__(self):
        return str(self.plan)

    def clean(self):
        super().clean()
        try:
            self.shares()
        except CapacityError as error:  # e.g. the two band shares add up to more than 1
            raise ValidationError(str(error)) from error

    def adjust(self, rules: RuleSet) -> RuleSet:
        """``rules`` with this scenario's own values."""
        changes: dict = {}
        for name, (meeting, attribute) in SCENARIO_RULE_FIELDS.items():
            value = getattr(self, name)
            if value is None:
                continue
            if meeting is None:
                changes[attribute] = value
            else:
                rule = changes.get(meeting, getattr(rules, meeting))
                changes[meeting] = replace(rule, **{attribute: value})
        return replace(rules, **changes)

    def shares(self) -> DerivationShares:
        own = {name: getattr(self, name) for name in SCENARIO_SHARE_FIELDS}
        return DerivationShares(**{k: v for k, v in own.items() if v is not None})
