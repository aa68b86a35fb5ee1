"""Organisations, service needs, staffing plans, allocation line items, resource pools and
figures declared by source documents."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.natural_keys import natural_key_manager
from municipalities.models import (
    Measure,
    Municipality,
    MunicipalityGroup,
    Pilot,
)

from .querysets import AllocationQuerySet, StaffingPlanQuerySet

FTE_MAX = Decimal("99.99")
FTE_FIELD = {
    "max_digits": 4,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(FTE_MAX)],
}
FTE_RANGE_MESSAGE = _("FTE must be between 0 and 99,99.")


def fte_range(field):
    return Q(**{f"{field}__gte": 0, f"{field}__lte": FTE_MAX})


class Organisation(models.Model):
    """An employer that puts staff into a pilot."""

    class Kind(models.TextChoices):
        STATE = "state", _("state TE administration")
        MUNICIPALITY = "municipality", _("municipality")
        MUNICIPAL_GROUP = "municipal_group", _("municipal group")
        JOINT_AUTHORITY = "joint_authority", _("joint authority / wellbeing services")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=150, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("For a municipality's own organisation."),
    )
    group = models.ForeignKey(
        MunicipalityGroup,
        verbose_name=_("municipality group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("For a municipal group that employs staff (e.g. Kaustisen seutukunta)."),
    )

    objects = natural_key_manager("slug")

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(municipality__isnull=False, group__isnull=False),
                name="%(app_label)s_%(class)s_municipality_or_group",
                violation_error_message=_(
                    "An organisation belongs to a municipality or a group, not both."
                ),
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def natural_key(self):
        return (self.slug,)


class ServiceNeed(models.Model):
    """Service need segments S0–S4 and management (JOHTO); S4's special tasks are children."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_management = models.BooleanField(
        _("management"), default=False, help_text=_("Management and planning, not client work.")
    )

    objects = natural_key_manager("code")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service need")
        verbose_name_plural = _("service needs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("A service need cannot be part of itself."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}" if self.parent_id is None else self.name

    def natural_key(self):
        return (self.code,)


class StaffingPlan(models.Model):
    """A dated staffing plan of a pilot; copies are versions or what-if scenarios."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    class Kind(models.TextChoices):
        PLAN = "plan", _("plan")
        SCENARIO = "scenario", _("what-if scenario")

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name in addresses"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PLAN)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    statistics_date = models.DateField(
        _("statistics date"),
        null=True,
        blank=True,
        help_text=_("The date of the client counts this plan's caseloads use."),
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
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every saved change; a save based on an older version is refused."),
    )
    history = HistoricalRecords()

    objects = natural_key_manager("pilot__slug", "slug", queryset=StaffingPlanQuerySet)

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
        return reverse("plan-dashboard", kwargs={"pilot": self.pilot.slug, "plan": self.slug})

    @property
    def is_locked(self):
        return self.status == self.Status.APPROVED


class Allocation(models.Model):
    """One line item: a role of an organisation working on a service need, in FTE."""

    plan = models.ForeignKey(
        StaffingPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    position = models.PositiveIntegerField(
        _("order"), help_text=_("Order in the plan, as in the source document.")
    )
    service_need = models.ForeignKey(
        ServiceNeed,
        verbose_name=_("service need"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        help_text=_("Empty when the source does not break the staff down by service need."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    role_title = models.CharField(_("role"), max_length=200, blank=True)
    fte = models.DecimalField(_("FTE"), **FTE_FIELD)
    client_work_fte = models.DecimalField(
        _("client-work FTE"),
        default=Decimal("0"),
        help_text=_("Of the FTE, the estimated share in client work (with URA access)."),
        **FTE_FIELD,
    )
    serves_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality served"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    serves_group = models.ForeignKey(
        MunicipalityGroup,
        verbose_name=_("group served"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every saved change; a save based on an older version is refused."),
    )
    history = HistoricalRecords()

    objects = natural_key_manager(
        "plan__pilot__slug", "plan__slug", "position", queryset=AllocationQuerySet
    )

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message=_("The plan already has a line in this position."),
            ),
            models.CheckConstraint(
                condition=fte_range("fte"),
                name="%(app_label)s_%(class)s_fte_range",
                violation_error_message=FTE_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=fte_range("client_work_fte") & Q(client_work_fte__lte=F("fte")),
                name="%(app_label)s_%(class)s_client_work_within_fte",
                violation_error_message=_("Client-work FTE cannot exceed the line's FTE."),
            ),
            models.CheckConstraint(
                condition=~Q(serves_municipality__isnull=False, serves_group__isnull=False),
                name="%(app_label)s_%(class)s_serves_one",
                violation_error_message=_("A line serves one municipality or one group, not both."),
            ),
        ]

    def __str__(self):
        role = self.role_title or (str(self.service_need) if self.service_need_id else "–")
        return f"{self.organisation}: {role} {self.fte}"

    def natural_key(self):
        return self.plan.natural_key() + (self.position,)

    natural_key.dependencies = ["staffing.staffingplan"]

    @property
    def served(self):
        return self.serves_municipality or self.serves_group


class AllocationPart(models.Model):
    """An "of which" breakdown of a line: informative, never added to totals.

    Each part is at most its line's FTE; a database trigger enforces it on both databases.
    """

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("line"), on_delete=models.CASCADE, related_name="parts"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("of which"), max_length=200)
    fte = models.DecimalField(_("FTE"), **FTE_FIELD)
    shared_with = models.ForeignKey(
        ServiceNeed,
        verbose_name=_("shared with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shared_parts",
    )
    history = HistoricalRecords()

    objects = natural_key_manager(
        "allocation__plan__pilot__slug",
        "allocation__plan__slug",
        "allocation__position",
        "position",
    )

    class Meta:
        ordering = ["allocation", "position"]
        verbose_name = _("of which part")
        verbose_name_plural = _("of which parts")
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message=_("The line already has a part in this position."),
            ),
            models.CheckConstraint(
                condition=fte_range("fte"),
                name="%(app_label)s_%(class)s_fte_range",
                violation_error_message=FTE_RANGE_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.fte}"

    def clean(self):
        # The database trigger is the backstop; this gives the form its message first.
        super().clean()
        if self.allocation_id and self.fte is not None and self.fte > self.allocation.fte:
            raise ValidationError(
                {"fte": _("An “of which” part cannot be more than its line's FTE.")}
            )

    def natural_key(self):
        return self.allocation.natural_key() + (self.position,)

    natural_key.dependencies = ["staffing.allocation"]


class ResourcePool(models.Model):
    """A pooled resource (e.g. the TE staff transferring in August) to divide among the
    pilot's municipalities in proportion to their clients."""

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
        validators=[MinValueValidator(Decimal("0"))],
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
    note = models.TextField(_("note"), blank=True)
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


class DeclaredFigure(models.Model):
    """A figure a source document states itself (a total, a share, a caseload), kept to be
    reconciled with the figure computed from line items. Never used as an input."""

    class Metric(models.TextChoices):
        FTE = "fte", _("FTE total")
        FTE_EXCLUDING = "fte_excluding", _("FTE total without one organisation")
        CLIENT_WORK_FTE = "client_work_fte", _("client-work FTE")
        CASELOAD = "caseload", _("caseload")
        CLIENTS = "clients", _("client total")
        POOL = "pool", _("pool, rounded")
        POOL_SHARE = "pool_share", _("pool share")
        POOL_ROW_TOTAL = "pool_row_total", _("row total of pool shares")
        POOL_SHARES_TOTAL = "pool_shares_total", _("total of pool shares")
        POOLS_TOTAL = "pools_total", _("total of pools")
        SHARE = "share", _("share of a statistic, %")

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="declared_figures"
    )
    key = models.SlugField(_("key"), max_length=80)
    label = models.CharField(_("as in the source"), max_length=255)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric)
    value = models.DecimalField(_("declared value"), max_digits=12, decimal_places=5)
    precision = models.DecimalField(
        _("printed precision"),
        max_digits=6,
        decimal_places=5,
        default=Decimal("0.1"),
        help_text=_("E.g. 0,1 for 11,4; 1 for 48 %; 0,01 for 7,55."),
    )
    plan = models.ForeignKey(
        StaffingPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="declared_figures",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declared_figures",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declared_figures",
    )
    group = models.ForeignKey(
        MunicipalityGroup,
        verbose_name=_("municipality group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declared_figures",
    )
    pool = models.ForeignKey(
        ResourcePool,
        verbose_name=_("pool"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="declared_figures",
    )
    measure = models.CharField(_("measure"), max_length=30, choices=Measure, blank=True)
    date = models.DateField(_("statistics date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = natural_key_manager("pilot__slug", "key")

    class Meta:
        ordering = ["pilot", "key"]
        verbose_name = _("declared figure")
        verbose_name_plural = _("declared figures")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "key"],
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message=_("The pilot already has a declared figure with this key."),
            ),
            models.CheckConstraint(
                condition=Q(precision__gt=0),
                name="%(app_label)s_%(class)s_precision_positive",
                violation_error_message=_("The printed precision must be positive."),
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.value}"

    def natural_key(self):
        return (self.pilot.slug, self.key)

    natural_key.dependencies = ["municipalities.pilot"]
