"""Dated staffing plans of a pilot and the resource pools a plan divides among municipalities."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.natural_keys import natural_key_manager
from core.validators import NOTE_MAX_LENGTH, PLANNING_DATE, TITLE_VALIDATORS, note_validators
from core.versioning import VersionedModel
from municipalities.models import Measure, Pilot

from .organisations import Organisation

#: The largest pool (and line, see allocations.FTE_MAX): Helsinki's services have hundreds of staff.
POOL_MAX = Decimal("9999.99")
POOL_MAX_MESSAGE = _("A pool is at most 9 999,99 FTE.")


class StaffingPlan(VersionedModel):
    """A dated staffing plan of a pilot; copies are versions or what-if scenarios."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")

    class Kind(models.TextChoices):
        PLAN = "plan", _("plan")
        SCENARIO = "scenario", _("what-if scenario")

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=150, validators=TITLE_VALIDATORS)
    slug = models.SlugField(_("short name in addresses"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PLAN)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    valid_from = models.DateField(_("valid from"), validators=PLANNING_DATE)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, validators=PLANNING_DATE)
    statistics_date = models.DateField(
        _("statistics date"),
        null=True,
        blank=True,
        validators=PLANNING_DATE,
        help_text=_(
            "Leave empty to follow the latest client counts; a date pins a draft to the "
            "counts of that date."
        ),
    )
    approved_statistics_date = models.DateField(
        _("statistics date at approval"),
        null=True,
        blank=True,
        validators=PLANNING_DATE,
        help_text=_("The date of the client counts the plan was approved with."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(
        _("approver's comment"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=note_validators(),
    )
    statistics_measure = models.CharField(
        _("clients measured as"),
        max_length=30,
        choices=Measure,
        default=Measure.CLIENTS,
        help_text=_("Which client statistic the caseload divides by client-work FTE."),
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    description = models.TextField(
        _("description"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    history = HistoricalRecords()

    objects = natural_key_manager("pilot__slug", "slug")

    class Meta:
        ordering = ["pilot", "-valid_from", "name"]
        verbose_name = _("staffing plan")
        verbose_name_plural = _("staffing plans")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "slug"],
                name="%(app_label)s_%(class)s_unique_slug",
                violation_error_message=_("The pilot already has a plan with this short name."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_from",
                violation_error_message=_("A plan cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.pilot}: {self.name}"

    def natural_key(self):
        return (self.pilot.slug, self.slug)

    natural_key.dependencies = ["municipalities.pilot"]

    def get_absolute_url(self):
        return reverse(
            "staffing:plan-dashboard", kwargs={"pilot": self.pilot.slug, "plan": self.slug}
        )

    @property
    def is_locked(self):
        """Only a draft's contents change: a submitted plan waits for its approver, an
        approved or superseded one is changed by copying it into a new version."""
        return self.status != self.Status.DRAFT

    @property
    def is_approved(self):
        return self.status in (self.Status.APPROVED, self.Status.SUPERSEDED)


class ResourcePool(VersionedModel):
    """A pooled resource (e.g. the TE staff transferring in August) to divide among the
    pilot's municipalities in proportion to their clients. Its ``version`` lets the pool
    page refuse a save based on values someone else changed since (`core.versioning`)."""

    class Method(models.TextChoices):
        LARGEST_REMAINDER = "largest_remainder", _("largest remainder (sums to the pool)")
        ROUND_EACH_HALF_UP = "round_each_half_up", _("each share rounded half up (source)")

    plan = models.ForeignKey(
        StaffingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="pools"
    )
    slug = models.SlugField(_("short name in addresses"), max_length=60)
    name = models.CharField(_("name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="pools",
    )
    amount = models.DecimalField(
        _("amount (FTE)"),
        max_digits=7,
        decimal_places=3,
        validators=[
            MinValueValidator(Decimal("0")),
            MaxValueValidator(POOL_MAX, message=POOL_MAX_MESSAGE),
        ],
        help_text=_("The unrounded pool, e.g. 11,35."),
    )
    step = models.DecimalField(
        _("rounding step"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    method = models.CharField(
        _("preferred method"),
        max_length=20,
        choices=Method,
        default=Method.LARGEST_REMAINDER,
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.TextField(
        _("note"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    history = HistoricalRecords()

    objects = natural_key_manager("plan__pilot__slug", "plan__slug", "slug")

    class Meta:
        ordering = ["plan", "position", "name"]
        verbose_name = _("resource pool")
        verbose_name_plural = _("resource pools")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slug"],
                name="%(app_label)s_%(class)s_unique_slug",
                violation_error_message=_("The plan already has a pool with this short name."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, step__gt=0),
                name="%(app_label)s_%(class)s_amount_and_step",
                violation_error_message=_(
                    "A pool cannot be negative and its rounding step must be positive."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return self.plan.natural_key() + (self.slug,)

    natural_key.dependencies = ["staffing.staffingplan"]
