"""The employers that put staff into a pilot, and the service needs their staff work on."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.natural_keys import natural_key_manager
from municipalities.models import Municipality, MunicipalityGroup, Pilot


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

    pilots = models.ManyToManyField(
        Pilot,
        verbose_name=_("pilots"),
        through="PilotOrganisation",
        related_name="organisations",
        blank=True,
        help_text=_("The pilots whose lines, pools and service points may use it."),
    )

    history = HistoricalRecords()

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


class PilotOrganisation(models.Model):
    """One of a pilot's own organisations: its lines, pools and service points offer only
    these (a Kokkola line for a Jokilaaksot body is refused)."""

    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = natural_key_manager("pilot__slug", "organisation__slug")

    class Meta:
        ordering = ["pilot", "organisation"]
        verbose_name = _("organisation of a pilot")
        verbose_name_plural = _("organisations of pilots")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "organisation"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message=_("The organisation is already one of the pilot's."),
            ),
        ]

    def __str__(self):
        return f"{self.pilot}: {self.organisation}"

    def natural_key(self):
        return (self.pilot.slug, self.organisation.slug)

    natural_key.dependencies = ["municipalities.pilot", "staffing.organisation"]


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
