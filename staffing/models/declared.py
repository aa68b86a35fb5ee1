"""Figures a source document states itself, kept to be reconciled with the computed ones."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.natural_keys import natural_key_manager
from core.validators import NOTE_MAX_LENGTH, PLANNING_DATE, note_validators
from municipalities.models import Measure, Municipality, MunicipalityGroup, Pilot

from .organisations import Organisation
from .plans import ResourcePool, StaffingPlan


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
    date = models.DateField(_("statistics date"), null=True, blank=True, validators=PLANNING_DATE)
    source = models.CharField(_("source"), max_length=255, blank=True)
    note = models.TextField(
        _("note"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )

    history = HistoricalRecords()

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
