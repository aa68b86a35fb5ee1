"""A pilot's own organisations: the only ones its lines and pools may use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.history import change_reason
from core.slugs import unique_slug
from municipalities.models import Pilot

from ..models import Allocation, DeclaredFigure, Organisation, PilotOrganisation, ResourcePool
from .common import delete, save

NOT_PILOT_ORGANISATION_MESSAGE = _(
    "%(organisation)s is not one of the organisations of %(pilot)s. Choose one of the pilot's "
    "own organisations."
)


def pilot_organisations(pilot):
    """The organisations a pilot's forms offer, by name."""
    return Organisation.objects.filter(pilots=pilot).order_by("name")


def check_pilot_organisation(organisation_id: int, pilot_id: int, field: str = "organisation"):
    """A ValidationError on `field` when the organisation is not one of the pilot's own.

    In a transaction the pilot's link to it stays locked until the commit, so that a removal
    of the organisation running at the same moment (`pilot_organisation_remove`, which locks
    the link before it looks for lines and pools) either waits for this write and then sees
    its line or pool, or has removed the link first and this check refuses. PostgreSQL takes
    the row lock; SQLite has one writer at a time, so the two never overlap there."""
    links = PilotOrganisation.objects.filter(pilot_id=pilot_id, organisation_id=organisation_id)
    if transaction.get_connection().in_atomic_block:
        # FOR NO KEY UPDATE: the weakest lock Django takes that a DELETE (FOR UPDATE) waits for.
        links = links.select_for_update(no_key=True)
    if links.exists():
        return
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return  # the model's own check says it does not exist
    pilot = Pilot.objects.filter(pk=pilot_id).first()
    raise ValidationError(
        {
            field: ValidationError(
                NOT_PILOT_ORGANISATION_MESSAGE,
                code="not_pilot_organisation",
                params={"organisation": organisation, "pilot": pilot},
            )
        }
    )


# --- a pilot's list, managed on its organisations page ------------------------------------------

#: Why a service saved (`core.history.change_reason` codes) on the organisations page.
ORGANISATION_ADDED, ORGANISATION_CREATED, ORGANISATION_REMOVED = (
    "organisation_added",
    "organisation_created",
    "organisation_removed",
)
ALREADY_PILOT_ORGANISATION_MESSAGE = _(
    "%(organisation)s is already one of the organisations of %(pilot)s."
)
ORGANISATION_IN_USE_MESSAGE = _(
    "%(organisation)s cannot be removed from the list of %(pilot)s: %(uses)s still use it. "
    "Change or remove them first."
)
ORGANISATION_NAME_REQUIRED_MESSAGE = _("Give the organisation a name.")
ORGANISATION_NAME_TAKEN_MESSAGE = _(
    "An organisation named %(name)s already exists. Add it to the list from the organisations "
    "not yet on it."
)
SLUG_MAX = Organisation._meta.get_field("slug").max_length


def organisation_lines_in_pilot(pilot, organisation) -> list[str]:
    """The pilot's plan lines, pools and declared figures that name the organisation, in
    words ("3 lines")."""
    lines = Allocation.objects.filter(plan__pilot=pilot, organisation=organisation).count()
    pools = ResourcePool.objects.filter(plan__pilot=pilot, organisation=organisation).count()
    # A source's figure for the organisation (reconciled on the dashboard) names it too.
    declared = DeclaredFigure.objects.filter(pilot=pilot, organisation=organisation).count()
    uses = []
    if lines:
        uses.append(ngettext("%(count)d line", "%(count)d lines", lines) % {"count": lines})
    if pools:
        uses.append(
            ngettext("%(count)d resource pool", "%(count)d resource pools", pools)
            % {"count": pools}
        )
    if declared:
        uses.append(
            ngettext("%(count)d declared figure", "%(count)d declared figures", declared)
            % {"count": declared}
        )
    return uses


def refuse_in_use(pilot, organisation, uses: list[str]) -> None:
    """The house refusal of a removal, naming what still uses the organisation."""
    if not uses:
        return
    raise ValidationError(
        ORGANISATION_IN_USE_MESSAGE,
        code="organisation_in_use",
        params={"organisation": organisation.name, "pilot": pilot, "uses": ", ".join(uses)},
    )


@transaction.atomic
def pilot_organisation_add(*, pilot, organisation: Organisation, user) -> PilotOrganisation:
    """Make an existing organisation one of the pilot's own."""
    if PilotOrganisation.objects.filter(pilot=pilot, organisation=organisation).exists():
        raise ValidationError(
            {
                "organisation": ValidationError(
                    ALREADY_PILOT_ORGANISATION_MESSAGE,
                    code="already_pilot_organisation",
                    params={"organisation": organisation.name, "pilot": pilot},
                )
            }
        )
    link = PilotOrganisation(pilot=pilot, organisation=organisation)
    save(link, user, reason=change_reason(ORGANISATION_ADDED))
    return link


@transaction.atomic
def organisation_create(*, pilot, name: str, kind: str, short_name: str = "", user) -> Organisation:
    """A new organisation (its name unique, as the model says), one of the pilot's own at once.
    Its address name comes from the name, unique among all organisations."""
    name, short_name = (name or "").strip(), (short_name or "").strip()
    if not name:
        raise ValidationError({"name": ORGANISATION_NAME_REQUIRED_MESSAGE})
    if Organisation.objects.filter(name=name).exists():
        raise ValidationError(
            {
                "name": ValidationError(
                    ORGANISATION_NAME_TAKEN_MESSAGE, code="unique", params={"name": name}
                )
            }
        )
    organisation = Organisation(
        name=name,
        short_name=short_name,
        kind=kind,
        slug=unique_slug(
            name,
            taken=set(Organisation.objects.values_list("slug", flat=True)),
            max_length=SLUG_MAX,
            fallback="organisaatio",
        ),
    )
    organisation.full_clean()
    save(organisation, user, reason=change_reason(ORGANISATION_CREATED, pilot=pilot.pk))
    save(
        PilotOrganisation(pilot=pilot, organisation=organisation),
        user,
        reason=change_reason(ORGANISATION_CREATED, pilot=pilot.pk),
    )
    return organisation


@transaction.atomic
def pilot_organisation_remove(
    *, pilot, organisation: Organisation, user, other_uses: list[str] = ()
) -> None:
    """Take the organisation off the pilot's list; refused while the pilot's lines or pools
    (or `other_uses`, counted by the apps above this one: service points) still name it. The
    organisation itself stays: other pilots may use it."""
    # The link's row only (of=self): its ordering joins the pilot and the organisation, whose
    # rows every write naming them checks (a foreign key's KEY SHARE) at its commit. FOR UPDATE:
    # the link is deleted (no foreign key names it, so no KEY SHARE waits for it).
    link = (
        PilotOrganisation.objects.select_for_update(of=("self",))
        .filter(pilot=pilot, organisation=organisation)
        .first()
    )
    if link is None:
        return  # already off the list
    refuse_in_use(
        pilot, organisation, [*organisation_lines_in_pilot(pilot, organisation), *other_uses]
    )
    link._change_reason = change_reason(ORGANISATION_REMOVED)
    delete(link, user)
