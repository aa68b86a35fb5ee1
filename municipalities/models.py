"""Pilots, municipalities, the pilots' own municipality groups, which municipality produces
whose services, and dated client statistics."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.natural_keys import natural_key_manager
from core.validators import NOTE_MAX_LENGTH, PLANNING_DATE, TITLE_VALIDATORS, note_validators
from core.versioning import VersionedModel

from .querysets import ClientStatisticQuerySet, MunicipalityQuerySet, PilotQuerySet

municipality_code_validator = RegexValidator(
    r"^[0-9]{3}$", _("A municipality code is three digits, for example 009 or 272.")
)
sub_region_code_validator = RegexValidator(
    r"^SK[0-9]{3}$", _("A sub-region code is SK and three digits, for example SK161.")
)
region_code_validator = RegexValidator(
    r"^MK[0-9]{2}$", _("A region code is MK and two digits, for example MK16.")
)
area_code_validator = RegexValidator(
    r"^[0-9]{1,3}$", _("An employment area code is one to three digits, for example 12.")
)

COUNT_DIGITS = {"max_digits": 9, "decimal_places": 0}

#: The smallest target caseload (one decimal place), checked by the field and the database.
TARGET_CASELOAD_MIN = Decimal("0.1")
TARGET_CASELOAD_MESSAGE = _("The target caseload must be greater than zero.")


def localized_name(name_fi, name_sv):
    """The Swedish name in Swedish when there is one, else the Finnish name."""
    if get_language() == "sv" and name_sv:
        return name_sv
    return name_fi


def localized_order(name_fi: str, name_sv: str):
    """An ordering by the name `localized_name` shows: the Swedish one in Swedish where there
    is one, else the Finnish one."""
    if get_language() == "sv":
        return Coalesce(NullIf(name_sv, Value("")), name_fi)
    return F(name_fi)


class Region(models.Model):
    """Statistics Finland's region (maakunta), e.g. MK16 Keski-Pohjanmaa. The code is the
    classification's two digits with StatFin's MK prefix."""

    code = models.CharField(
        _("code"), max_length=4, unique=True, validators=[region_code_validator]
    )
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)

    objects = natural_key_manager("code")

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized_name(self.name_fi, self.name_sv)

    def natural_key(self):
        return (self.code,)


class SubRegion(models.Model):
    """Statistics Finland's sub-region (seutukunta), e.g. SK161 Kaustinen."""

    code = models.CharField(
        _("code"), max_length=5, unique=True, validators=[sub_region_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="sub_regions",
        null=True,
        blank=True,
    )

    objects = natural_key_manager("code")

    class Meta:
        ordering = ["code"]
        verbose_name = _("statistical sub-region")
        verbose_name_plural = _("statistical sub-regions")

    def __str__(self):
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.code,)


class Municipality(models.Model):
    code = models.CharField(
        _("municipality code"),
        max_length=3,
        unique=True,
        validators=[municipality_code_validator],
        help_text=_("The official three-digit code, with leading zeros (e.g. 009)."),
    )
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)
    sub_region = models.ForeignKey(
        SubRegion,
        verbose_name=_("statistical sub-region"),
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
    )
    valid_from = models.DateField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("Empty: in force before the classifications the product has loaded."),
    )
    valid_to = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("The last day of a municipality that merged or ended; empty while in force."),
    )

    objects = natural_key_manager("code", queryset=MunicipalityQuerySet)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{3}$"),
                name="%(app_label)s_%(class)s_code_three_digits",
                violation_error_message=_("A municipality code is three digits."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_from",
                violation_error_message=_("A municipality cannot end before it begins."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized_name(self.name_fi, self.name_sv)

    def is_valid_on(self, date):
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_to is None or date <= self.valid_to
        )

    def natural_key(self):
        return (self.code,)


class Pilot(models.Model):
    """An employment pilot (2021–2024) or an employment area (from 2025)."""

    class Kind(models.TextChoices):
        PILOT = "pilot", _("employment pilot")
        AREA = "area", _("employment area")

    # Official names of areas are long ("… työllisyysalue"): room for any real name; the
    # address name (slug) is derived from it and shortened visibly, never the name.
    name = models.CharField(_("name"), max_length=1000, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=1000, blank=True)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PILOT)
    code = models.CharField(
        _("employment area code"),
        max_length=3,
        blank=True,
        validators=[area_code_validator],
        help_text=_(
            "The official code of an employment area (e.g. 12); it stays when the name changes."
        ),
    )
    # The region as text (what an admin typed before regions were data) and as a link to the
    # classification. Both are kept: the text is what the lists filter on and shows for a pilot
    # whose region is not linked; the link is what the national views group by.
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("Maakunta, e.g. Keski-Pohjanmaa.")
    )
    statistical_region = models.ForeignKey(
        Region,
        verbose_name=_("region in the classification"),
        on_delete=models.PROTECT,
        related_name="pilots",
        null=True,
        blank=True,
    )
    start_date = models.DateField(_("start date"), validators=PLANNING_DATE)
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=PLANNING_DATE)
    description = models.TextField(
        _("description"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    target_caseload = models.DecimalField(
        _("target caseload"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(TARGET_CASELOAD_MIN, message=TARGET_CASELOAD_MESSAGE)],
        help_text=_("Clients per client-work FTE that the pilot aims not to exceed."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        through="PilotMembership",
        related_name="pilots",
        verbose_name=_("member municipalities"),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="coordinated_pilots",
        blank=True,
        verbose_name=_("coordinators"),
        help_text=_("Users of the coordinators group who may edit this pilot."),
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="approved_pilots",
        blank=True,
        verbose_name=_("approvers"),
        help_text=_(
            "Steering-group members who may approve this pilot's plans; nobody approves a plan "
            "only they have edited."
        ),
    )
    # Who may edit or approve a pilot is part of its history: granting either is recorded.
    history = HistoricalRecords(m2m_fields=[coordinators, approvers])

    objects = natural_key_manager("slug", queryset=PilotQuerySet)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_unique_code",
                violation_error_message=_("Another employment area already has this code."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(target_caseload__isnull=True)
                | Q(target_caseload__gte=TARGET_CASELOAD_MIN),
                name="%(app_label)s_%(class)s_target_positive",
                violation_error_message=TARGET_CASELOAD_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return localized_name(self.name, self.name_sv)

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("staffing:pilot-dashboard", kwargs={"pilot": self.slug})

    def is_active_on(self, date):
        return self.start_date <= date and (self.end_date is None or date <= self.end_date)


class PilotMembership(models.Model):
    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pilot", "municipality__name_fi"]
        verbose_name = _("pilot membership")
        verbose_name_plural = _("pilot memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "municipality"],
                name="%(app_label)s_%(class)s_unique_member",
                violation_error_message=_("The municipality is already a member of this pilot."),
            ),
        ]

    objects = natural_key_manager("pilot__slug", "municipality__code")

    def __str__(self):
        return f"{self.pilot} – {self.municipality}"

    def natural_key(self):
        return (self.pilot.slug, self.municipality.code)

    natural_key.dependencies = ["municipalities.pilot", "municipalities.municipality"]


class MunicipalityGroup(models.Model):
    """A pilot's own grouping of member municipalities (e.g. Kaustisen seutukunta, KASE).

    Not the statistical sub-region: Perho is in SK161 Kaustinen but not in the group.
    """

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("abbreviation"), max_length=20, blank=True)
    slug = models.SlugField(_("short name in addresses"), max_length=60)
    members = models.ManyToManyField(
        Municipality, related_name="municipality_groups", verbose_name=_("members")
    )
    history = HistoricalRecords(m2m_fields=[members])

    objects = natural_key_manager("pilot__slug", "slug")

    class Meta:
        ordering = ["pilot", "name"]
        verbose_name = _("municipality group")
        verbose_name_plural = _("municipality groups")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "slug"],
                name="%(app_label)s_%(class)s_unique_slug",
                violation_error_message=_("The pilot already has a group with this short name."),
            ),
            # Two groups of one name would read alike in every line's "serves" choice.
            models.UniqueConstraint(
                Lower("name"),
                "pilot",
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("The pilot already has a group of this name."),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.pilot.slug, self.slug)

    natural_key.dependencies = ["municipalities.pilot"]


class ServiceProduction(models.Model):
    """Within a pilot, one member municipality produces another's services ("Ylivieska
    tuottaa Alavieskan palvelut"): together they are one serving unit for caseloads.

    One level only: a recipient has one producer, and neither party is on the other side of
    another production (the services check that; the database holds the rest)."""

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="productions"
    )
    producer = models.ForeignKey(
        Municipality,
        verbose_name=_("producing municipality"),
        on_delete=models.PROTECT,
        related_name="productions_given",
    )
    recipient = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality served"),
        on_delete=models.PROTECT,
        related_name="productions_received",
    )
    description = models.CharField(
        _("as in the source"), max_length=255, blank=True, validators=TITLE_VALIDATORS
    )
    note = models.TextField(
        _("note"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    history = HistoricalRecords()

    objects = natural_key_manager("pilot__slug", "recipient__code")

    class Meta:
        ordering = ["pilot", "producer__name_fi", "recipient__name_fi"]
        verbose_name = _("service production")
        verbose_name_plural = _("service productions")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "recipient"],
                name="%(app_label)s_%(class)s_one_producer",
                violation_error_message=_(
                    "Another municipality already produces this municipality's services; a "
                    "municipality can have only one producer."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(producer=models.F("recipient")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message=_("A municipality cannot produce its own services."),
            ),
        ]

    def __str__(self):
        return _("%(producer)s produces the services of %(recipient)s") % {
            "producer": self.producer,
            "recipient": self.recipient,
        }

    def natural_key(self):
        return (self.pilot.slug, self.recipient.code)

    natural_key.dependencies = ["municipalities.pilot", "municipalities.municipality"]


class PilotSuccession(models.Model):
    """Lineage: which later pilot or employment area took over a municipality from an earlier
    pilot (Jokilaaksot's Oulainen went to area 32 Raahe, its other four to area 44). One row per
    predecessor and municipality, so a pilot split between areas is described exactly."""

    predecessor = models.ForeignKey(
        Pilot,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    successor = models.ForeignKey(
        Pilot,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    history = HistoricalRecords()

    objects = natural_key_manager("predecessor__slug", "municipality__code")

    class Meta:
        ordering = ["predecessor", "successor", "municipality__name_fi"]
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "municipality"],
                name="%(app_label)s_%(class)s_one_successor",
                violation_error_message=_(
                    "This municipality already has a successor for this pilot."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message=_("A pilot cannot succeed itself."),
            ),
        ]

    def __str__(self):
        return _("%(municipality)s: %(predecessor)s → %(successor)s") % {
            "municipality": self.municipality,
            "predecessor": self.predecessor,
            "successor": self.successor,
        }

    def clean(self):
        super().clean()
        if not (self.predecessor_id and self.successor_id):
            return
        predecessor, successor = self.predecessor, self.successor
        if predecessor.end_date is None or successor.start_date <= predecessor.end_date:
            raise ValidationError(_("The successor must begin after the predecessor has ended."))

    def natural_key(self):
        return (self.predecessor.slug, self.municipality.code)

    natural_key.dependencies = ["municipalities.pilot", "municipalities.municipality"]


class Measure(models.TextChoices):
    CLIENTS = "clients", _("clients")
    JOB_SEEKERS = "job_seekers", _("job seekers")
    UNEMPLOYED = "unemployed", _("unemployed job seekers")
    UNDER_30 = "under_30", _("under 30 years old")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("long-term unemployed")
    STRUCTURALLY_UNEMPLOYED = "structurally_unemployed", _("structurally unemployed")
    IMMIGRANTS = "immigrants", _("immigrants")
    INFLOW = "inflow", _("new unemployed job seekers in the month")
    UNEMPLOYED_UNDER_3 = "unemployed_under_3", _("unemployed for under 3 months")
    UNEMPLOYED_3_TO_6 = "unemployed_3_to_6", _("unemployed for 3–6 months")
    UNEMPLOYED_OVER_6 = "unemployed_over_6", _("unemployed for over 6 months")
    UNEMPLOYED_UNDER_20 = "unemployed_under_20", _("unemployed under 20 years old")
    UNEMPLOYED_UNDER_25 = "unemployed_under_25", _("unemployed under 25 years old")
    UNEMPLOYED_OVER_50 = "unemployed_over_50", _("unemployed over 50 years old")
    UNEMPLOYED_FOREIGN = "unemployed_foreign", _("unemployed foreign nationals")


class SegmentTarget(models.Model):
    """A pilot's target caseload for one client segment (e.g. young people: 60 clients per FTE).

    The segment's clients are the pilot's count of `measure` (e.g. unemployed under 25) on its
    latest date; its FTE are the plan's "of which" parts whose label contains `part_label`
    (e.g. "nuor" finds "joista nuorten osaaja"). Both are computed on the dashboard, never typed.
    """

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="segment_targets"
    )
    name = models.CharField(_("segment"), max_length=100, validators=TITLE_VALIDATORS)
    measure = models.CharField(
        _("count of the segment's clients"),
        max_length=30,
        choices=Measure,
        help_text=_("The measure counting the segment's clients, e.g. unemployed under 25."),
    )
    part_label = models.CharField(
        _("“of which” parts whose label contains"),
        max_length=100,
        validators=TITLE_VALIDATORS,
        help_text=_("The segment's FTE: the plan's “of which” parts with this text in the label."),
    )
    target_caseload = models.DecimalField(
        _("target caseload"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(TARGET_CASELOAD_MIN, message=TARGET_CASELOAD_MESSAGE)],
        help_text=_(
            "Clients of the segment per FTE of its parts that the pilot aims not to exceed."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pilot", "name"]
        verbose_name = _("segment target")
        verbose_name_plural = _("segment targets")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("The pilot already has a segment of this name."),
            ),
            models.CheckConstraint(
                condition=Q(target_caseload__gte=TARGET_CASELOAD_MIN),
                name="%(app_label)s_%(class)s_target_positive",
                violation_error_message=TARGET_CASELOAD_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.pilot}: {self.name}"

    def get_absolute_url(self):
        return reverse("municipalities:area-edit", kwargs={"pilot": self.pilot.slug})


class StatisticBase(models.Model):
    date = models.DateField(_("statistics date"), validators=PLANNING_DATE)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure)
    is_approximate = models.BooleanField(_("approximate"), default=False)
    source = models.CharField(_("source"), max_length=255, blank=True, validators=TITLE_VALIDATORS)
    released = models.DateField(
        _("release date"),
        null=True,
        blank=True,
        validators=PLANNING_DATE,
        help_text=_("When the source published the figure (official statistics)."),
    )

    class Meta:
        abstract = True


class ClientStatistic(VersionedModel, StatisticBase):
    """A count of clients (or one of their breakdowns) in a municipality on a date.

    Only counts are stored, never anything about a person.
    """

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="statistics",
    )
    value = models.DecimalField(_("count"), **COUNT_DIGITS)
    history = HistoricalRecords()

    objects = natural_key_manager(
        "municipality__code", "date", "measure", queryset=ClientStatisticQuerySet
    )

    class Meta:
        ordering = ["-date", "municipality__name_fi", "measure"]
        verbose_name = _("client statistic")
        verbose_name_plural = _("client statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "date", "measure"],
                name="%(app_label)s_%(class)s_one_per_date",
                violation_error_message=_(
                    "This municipality already has a figure for this measure on this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="%(app_label)s_%(class)s_value_not_negative",
                violation_error_message=_("A count cannot be negative."),
            ),
        ]
        # The pages sum one measure of a pilot's members by date: read from the index alone.
        indexes = [
            models.Index(
                fields=["municipality", "measure", "date", "value"],
                name="clientstatistic_by_measure",
            )
        ]

    def __str__(self):
        measure = self.get_measure_display()
        return f"{self.municipality} {self.date:%d.%m.%Y} {measure}: {self.value}"

    def natural_key(self):
        return (self.municipality.code, self.date.isoformat(), self.measure)

    natural_key.dependencies = ["municipalities.municipality"]


class PilotStatistic(StatisticBase):
    """A figure that a source gives for the whole pilot only (e.g. 652 unemployed, about 35 %
    under 30). A share is stored in percent, with `of_measure` naming its base."""

    class Unit(models.TextChoices):
        COUNT = "count", _("count")
        PERCENT = "percent", _("percent")

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="statistics"
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit, default=Unit.COUNT)
    value = models.DecimalField(_("value"), max_digits=11, decimal_places=2)
    of_measure = models.CharField(
        _("share of"),
        max_length=30,
        choices=Measure,
        blank=True,
        help_text=_("For a percentage: the measure it is a share of."),
    )
    history = HistoricalRecords()

    objects = natural_key_manager("pilot__slug", "date", "measure", "unit")

    class Meta:
        ordering = ["pilot", "-date", "measure"]
        verbose_name = _("pilot-level statistic")
        verbose_name_plural = _("pilot-level statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "date", "measure", "unit"],
                name="%(app_label)s_%(class)s_one_per_date",
                violation_error_message=_(
                    "This pilot already has this figure for this measure on this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0)
                & (Q(unit="count") | Q(value__lte=100, of_measure__gt="")),
                name="%(app_label)s_%(class)s_value_in_range",
                violation_error_message=_(
                    "A count cannot be negative; a percentage is 0–100 and names its base."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.pilot} {self.date:%d.%m.%Y} {self.get_measure_display()}"

    def natural_key(self):
        return (self.pilot.slug, self.date.isoformat(), self.measure, self.unit)

    natural_key.dependencies = ["municipalities.pilot"]
