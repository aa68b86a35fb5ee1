"""Where service is given: service points, on-duty schedules, placements of staff, and
arrangements of which municipality or organisation serves a client group or the whole area."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.natural_keys import natural_key_manager
from core.validators import NOTE_MAX_LENGTH, PLANNING_DATE, TITLE_VALIDATORS, note_validators
from core.versioning import VersionedModel
from municipalities.models import Municipality, Pilot
from staffing.models import Allocation, Organisation

postal_code_validator = RegexValidator(
    r"^[0-9]{5}$", _("A Finnish postal code is five digits, for example 69600.")
)
DAYS_FIELD = {
    "max_digits": 2,
    "decimal_places": 1,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("7"))],
}
WEEKDAYS = "1234567"  # ISO weekday numbers, Monday = 1


class ServicePoint(VersionedModel):
    class Kind(models.TextChoices):
        OFFICE = "office", _("office")
        LOCAL = "local", _("local service point")
        SHARED = "shared", _("shared service point")
        MEETING = "meeting", _("meeting space")

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="service_points"
    )
    slug = models.SlugField(_("short name in addresses"), max_length=80)
    name = models.CharField(_("name"), max_length=200, validators=TITLE_VALIDATORS)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.OFFICE)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=5, blank=True, validators=[postal_code_validator]
    )
    post_office = models.CharField(_("post office"), max_length=100, blank=True)
    workstations = models.PositiveSmallIntegerField(_("workstations"), null=True, blank=True)
    walk_in = models.BooleanField(
        _("walk-in without appointment"), null=True, blank=True, default=None
    )
    serves = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities served"),
        related_name="served_by_points",
        blank=True,
    )
    notes = models.TextField(
        _("notes"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=PLANNING_DATE)
    history = HistoricalRecords(m2m_fields=[serves])

    objects = natural_key_manager("pilot__slug", "slug")

    class Meta:
        ordering = ["pilot", "municipality__name_fi", "name"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "slug"],
                name="%(app_label)s_%(class)s_unique_slug",
                violation_error_message=_(
                    "The pilot already has a service point with this short name."
                ),
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=r"^[0-9]{5}$"),
                name="%(app_label)s_%(class)s_postal_code_five_digits",
                violation_error_message=_("A Finnish postal code is five digits."),
            ),
            models.CheckConstraint(
                condition=Q(workstations__isnull=True) | Q(workstations__gte=0),
                name="%(app_label)s_%(class)s_workstations_not_negative",
                violation_error_message=_("Workstations cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.pilot.slug, self.slug)

    natural_key.dependencies = ["municipalities.pilot", "staffing.organisation"]

    def get_absolute_url(self):
        return reverse(
            "servicepoints:servicepoint-detail",
            kwargs={"pilot": self.pilot.slug, "point": self.slug},
        )

    @property
    def address(self):
        town = " ".join(part for part in (self.postal_code, self.post_office) if part)
        return ", ".join(part for part in (self.street_address, town) if part)


class OnDutySchedule(VersionedModel):
    """When a point is staffed: named weekdays, or about N days a week ("n. 3 PV / viikko")."""

    service_point = models.OneToOneField(
        ServicePoint,
        verbose_name=_("service point"),
        on_delete=models.CASCADE,
        related_name="schedule",
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=7,
        blank=True,
        help_text=_("ISO weekday numbers, Monday = 1, e.g. 135."),
    )
    days_per_week = models.DecimalField(_("days a week"), null=True, blank=True, **DAYS_FIELD)
    is_approximate = models.BooleanField(_("approximately"), default=False)
    is_tentative = models.BooleanField(
        _("tentative"), default=False, help_text=_("The source says 'maybe'.")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("staffed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schedules",
    )
    note = models.TextField(
        _("note"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    history = HistoricalRecords()

    objects = natural_key_manager("service_point__pilot__slug", "service_point__slug")

    class Meta:
        ordering = ["service_point"]
        verbose_name = _("on-duty schedule")
        verbose_name_plural = _("on-duty schedules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(weekdays="") | Q(days_per_week__isnull=False),
                name="%(app_label)s_%(class)s_days_given",
                violation_error_message=_("Give the weekdays or the number of days a week."),
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True)
                | Q(days_per_week__gte=0, days_per_week__lte=7),
                name="%(app_label)s_%(class)s_days_range",
                violation_error_message=_("Days a week must be between 0 and 7."),
            ),
            models.CheckConstraint(
                condition=Q(weekdays="") | Q(weekdays__regex=r"^1?2?3?4?5?6?7?$"),
                name="%(app_label)s_%(class)s_weekdays_valid",
                violation_error_message=_("Weekdays are the digits 1–7 in order, e.g. 135."),
            ),
        ]

    def __str__(self):
        return str(self.service_point)

    def natural_key(self):
        return self.service_point.natural_key()

    natural_key.dependencies = ["servicepoints.servicepoint"]

    @property
    def effective_days(self):
        """Days a week, from the explicit figure or the number of named weekdays."""
        if self.days_per_week is not None:
            return self.days_per_week
        return Decimal(len(self.weekdays))


class Placement(VersionedModel):
    """Who works at a point: a line item of a plan, or a role in words, and how often."""

    service_point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("service point"),
        on_delete=models.CASCADE,
        related_name="placements",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    allocation = models.ForeignKey(
        Allocation,
        verbose_name=_("line item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    role_title = models.CharField(_("role"), max_length=200, validators=TITLE_VALIDATORS)
    persons = models.DecimalField(
        _("persons"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    days_per_week = models.DecimalField(_("days a week"), null=True, blank=True, **DAYS_FIELD)
    note = models.TextField(
        _("note"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    history = HistoricalRecords()

    objects = natural_key_manager("service_point__pilot__slug", "service_point__slug", "position")

    class Meta:
        ordering = ["service_point", "position"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message=_("The point already has a placement in this position."),
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True)
                | Q(days_per_week__gte=0, days_per_week__lte=7),
                name="%(app_label)s_%(class)s_days_range",
                violation_error_message=_("Days a week must be between 0 and 7."),
            ),
            models.CheckConstraint(
                condition=Q(persons__isnull=True) | Q(persons__gte=0),
                name="%(app_label)s_%(class)s_persons_not_negative",
                violation_error_message=_("The number of persons cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.role_title} @ {self.service_point}"

    def natural_key(self):
        return self.service_point.natural_key() + (self.position,)

    natural_key.dependencies = ["servicepoints.servicepoint"]


class ServiceArrangement(VersionedModel):
    """Who serves whom beyond the points: one party serves a client group across the pilot,
    or a remote service reaches the whole area (or one municipality). Which municipality
    produces another's services is municipalities.ServiceProduction."""

    class Kind(models.TextChoices):
        CLIENT_GROUP = "client_group", _("serves a client group across the pilot")
        REMOTE = "remote", _("remote service for the whole area")

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="arrangements"
    )
    key = models.SlugField(_("key"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    provider_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("providing municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrangements_provided",
    )
    provider_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("providing organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrangements_provided",
    )
    recipient = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality served"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrangements_received",
    )
    client_group = models.CharField(
        _("client group"), max_length=150, blank=True, validators=TITLE_VALIDATORS
    )
    allocation = models.ForeignKey(
        Allocation,
        verbose_name=_("line item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arrangements",
    )
    description = models.CharField(
        _("as in the source"), max_length=255, blank=True, validators=TITLE_VALIDATORS
    )
    note = models.TextField(
        _("note"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    history = HistoricalRecords()

    objects = natural_key_manager("pilot__slug", "key")

    class Meta:
        ordering = ["pilot", "kind", "key"]
        verbose_name = _("service arrangement")
        verbose_name_plural = _("service arrangements")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "key"],
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message=_("The pilot already has an arrangement with this key."),
            ),
            models.CheckConstraint(
                condition=Q(provider_municipality__isnull=False)
                | Q(provider_organisation__isnull=False)
                | Q(allocation__isnull=False),
                name="%(app_label)s_%(class)s_has_provider",
                violation_error_message=_("Name who provides the service."),
            ),
        ]

    def __str__(self):
        return self.description or self.get_kind_display()

    def natural_key(self):
        return (self.pilot.slug, self.key)

    natural_key.dependencies = ["municipalities.pilot"]
