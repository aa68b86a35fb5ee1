"""Who may see and change what: the one place every view and POST asks.

Roles:
- admins are superusers and may do everything;
- managers (group "Johto") read every pilot;
- coordinators (group "Koordinaattorit") read and edit the pilots they are linked to
  (`Pilot.coordinators`, managed in the admin);
- approvers (`Pilot.approvers`, granted per pilot by an admin; steering-group members) read
  that pilot and approve or return its submitted plans. Nobody approves a plan only they have
  edited (`staffing.services.plan_approve`).

The pilot is the unit of access. Core sits below the app that defines it, so it names the model
by the `PILOT_MODEL` setting (as Django names the user model by `AUTH_USER_MODEL`).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject

COORDINATORS_GROUP = "Koordinaattorit"
MANAGERS_GROUP = "Johto"

ADMIN = "admin"
MANAGER = "manager"
COORDINATOR = "coordinator"


def pilot_model():
    """The model access is granted on (`settings.PILOT_MODEL`, "municipalities.Pilot")."""
    return apps.get_model(settings.PILOT_MODEL)


def _group_names(user) -> frozenset[str]:
    # Cached on the user object so a page asks the database once per request.
    cached = getattr(user, "_kokeilu_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._kokeilu_groups = cached
    return cached


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_manager(user) -> bool:
    return bool(user.is_authenticated and MANAGERS_GROUP in _group_names(user))


def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and COORDINATORS_GROUP in _group_names(user))


def roles(user) -> frozenset[str]:
    found = set()
    if is_admin(user):
        found.add(ADMIN)
    if user.is_authenticated and not user.is_superuser:
        if is_manager(user):
            found.add(MANAGER)
        if is_coordinator(user):
            found.add(COORDINATOR)
    return frozenset(found)


def reads_everything(user) -> bool:
    return is_admin(user) or is_manager(user)


def editable_pilot_ids(user) -> frozenset[int]:
    """Pilots this user may change; cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_kokeilu_editable_pilots", None)
    if cached is None:
        if is_admin(user):
            cached = frozenset(pilot_model().objects.values_list("pk", flat=True))
        elif is_coordinator(user):
            cached = frozenset(user.coordinated_pilots.values_list("pk", flat=True))
        else:
            cached = frozenset()
        user._kokeilu_editable_pilots = cached
    return cached


def approvable_pilot_ids(user) -> frozenset[int]:
    """Pilots whose plans this user may approve; cached on the user object for the request."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_kokeilu_approvable_pilots", None)
    if cached is None:
        cached = frozenset(user.approved_pilots.values_list("pk", flat=True))
        user._kokeilu_approvable_pilots = cached
    return cached


def can_approve_pilot(user, pilot) -> bool:
    return pilot.pk in approvable_pilot_ids(user)


def visible_pilots(user, queryset=None):
    """The pilots a user may read, as a queryset."""
    queryset = pilot_model().objects.all() if queryset is None else queryset
    if reads_everything(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    if is_coordinator(user):
        return queryset.filter(Q(coordinators=user) | Q(approvers=user)).distinct()
    return queryset.filter(approvers=user)


def can_view_pilot(user, pilot) -> bool:
    return (
        reads_everything(user)
        or pilot.pk in editable_pilot_ids(user)
        or pilot.pk in approvable_pilot_ids(user)
    )


def can_edit_pilot(user, pilot) -> bool:
    return is_admin(user) or (is_coordinator(user) and pilot.pk in editable_pilot_ids(user))


class AdminRequiredMixin(AccessMixin):
    """Pages of the admins only: login first, then 403 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not is_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PilotAccessMixin(AccessMixin):
    """Resolve `self.pilot` from the URL's `pilot` slug and check the user may read it.

    Views that change data set `edit = True`; the same check then guards GET and POST. A view
    that shows its page to every reader and changes data only on a POST sets `edit` per
    request (in `setup`, before `dispatch` reads it).
    A pilot the user may not read answers 404 so its existence is not revealed.
    """

    edit = False
    pilot_url_kwarg = "pilot"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.pilot = self.get_pilot()
        if not can_view_pilot(request.user, self.pilot):
            raise Http404
        if self.edit and not can_edit_pilot(request.user, self.pilot):
            raise PermissionDenied
        self.can_edit = can_edit_pilot(request.user, self.pilot)
        # Asked only where a page offers approval (one query, cached for the request).
        self.can_approve = SimpleLazyObject(lambda: can_approve_pilot(request.user, self.pilot))
        return super().dispatch(request, *args, **kwargs)

    def get_pilot(self):
        """The pilot the URL names (404 when none). A view that reads a row of the pilot's
        along, in the same query, overrides this and returns that row's pilot."""
        return get_object_or_404(pilot_model(), slug=self.kwargs[self.pilot_url_kwarg])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pilot"] = self.pilot
        context["can_edit"] = self.can_edit
        context["can_approve"] = self.can_approve
        return context
