"""A plan's line items in FTE and their "of which" parts; the rules of an FTE figure."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.constraints import ChecksInOneQuery, FieldCheckConstraint
from core.natural_keys import natural_key_manager
from core.validators import NOTE_MAX_LENGTH, TITLE_VALIDATORS, note_validators
from core.versioning import VersionedModel
from municipalities.models import Municipality, MunicipalityGroup

from .. import db_rules
from .organisations import Organisation, ServiceNeed
from .plans import StaffingPlan

FTE_MAX = Decimal("9999.99")
FTE_FIELD = {
    "max_digits": 6,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(FTE_MAX)],
}
FTE_RANGE_MESSAGE = _("FTE must be between 0 and 9 999,99.")

#: A part is at most its line: a rule across two tables, so triggers hold it in the database.
PART_WITHIN_LINE = db_rules.RULE
PART_ABOVE_LINE_MESSAGE = _("An “of which” part cannot be more than its line's FTE.")
PART_LABEL_MESSAGE = _("Name the part, for example “of which youth”.")


def fte_range(field):
    return Q(**{f"{field}__gte": 0, f"{field}__lte": FTE_MAX})


class Allocation(ChecksInOneQuery, VersionedModel):
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
    role_title = models.CharField(
        _("role"), max_length=200, blank=True, validators=TITLE_VALIDATORS
    )
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
    note = models.TextField(
        _("note"), blank=True, max_length=NOTE_MAX_LENGTH, validators=note_validators()
    )
    history = HistoricalRecords()

    objects = natural_key_manager("plan__pilot__slug", "plan__slug", "position")

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
            FieldCheckConstraint(
                field="client_work_fte",
                condition=fte_range("client_work_fte") & Q(client_work_fte__lte=F("fte")),
                name="%(app_label)s_%(class)s_client_work_within_fte",
                violation_error_message=_("Client-work FTE cannot exceed the line's FTE."),
            ),
            FieldCheckConstraint(
                field="serves_group",
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


class AllocationPart(ChecksInOneQuery, models.Model):
    """An "of which" breakdown of a line: informative, never added to totals.

    Each part is at most its line's FTE (`PART_WITHIN_LINE`); a database trigger enforces it
    on both databases.
    """

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("line"), on_delete=models.CASCADE, related_name="parts"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("of which"), max_length=200, validators=TITLE_VALIDATORS)
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

    @staticmethod
    def check_within_line(fte, line_fte) -> None:
        """The rule `PART_WITHIN_LINE`: a ValidationError on ``fte`` when a part of `fte` is more
        than a line of `line_fte` (None: not known yet, nothing to check)."""
        if fte is not None and line_fte is not None and fte > line_fte:
            raise ValidationError({"fte": PART_ABOVE_LINE_MESSAGE}, code=PART_WITHIN_LINE)

    def clean(self):
        # The database trigger is the backstop; this gives the form its message first. The
        # line may be unsaved yet (a new line with its parts).
        super().clean()
        if self.allocation_id or AllocationPart.allocation.is_cached(self):
            self.check_within_line(self.fte, self.allocation.fte)

    def natural_key(self):
        return self.allocation.natural_key() + (self.position,)

    natural_key.dependencies = ["staffing.allocation"]
