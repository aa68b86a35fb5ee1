"""The one table of the pure calculation modules' messages in the user's language.

`staffing.apportionment`, `staffing.caseload`, `staffing.reconciliation` and `staffing.rounding`
import no Django: their errors carry a stable ``code``, a Finnish default ``message`` and
``params`` already formatted for display. A page shows `calculation_message(error)`: the code's
translation here (English msgid, Finnish and Swedish in locale/), or the Finnish default for a
code the table does not know.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # staffing.rounding and staffing.apportionment
    "calculation_error": _("The calculation failed"),
    "non_positive_step": _("The rounding step must be positive, now %(step)s"),
    "not_finite": _("%(name)s must be a finite number, now %(value)s"),
    "apportionment_error": _("The pool cannot be split"),
    "negative_pool": _("A pool cannot be negative, now %(pool)s"),
    "pool_not_multiple_of_step": _("The pool %(pool)s is not a multiple of the step %(step)s"),
    "empty_weights": _("There are no parts to split into"),
    "negative_weight": _("The weight of part %(key)s cannot be negative, now %(weight)s"),
    "zero_total_weight": _("Every part weighs zero, so the pool %(pool)s cannot be split"),
    "duplicate_key": _("The part %(key)s appears more than once"),
    "missing_weight": _("The part %(key)s has neither a weight nor members"),
    "group_weight_mismatch": _(
        "The weight %(weight)s of group %(key)s is not the sum of its members' weights %(members)s"
    ),
    "unknown_method": _("Unknown split method %(method)s"),
    # staffing.caseload
    "caseload_error": _("The caseload cannot be computed"),
    "negative_clients": _("A client count cannot be negative, now %(value)s"),
    "negative_client_work_fte": _("Client-work FTE cannot be negative, now %(value)s"),
    "non_positive_target": _("The target must be positive, now %(value)s"),
    "duplicate_municipality": _("The municipality %(municipality)s is listed more than once"),
    "unknown_municipality": _("The municipality %(municipality)s is not in the pilot"),
    "recipient_claimed_twice": _(
        "The services of %(recipient)s are produced by both %(first)s and %(second)s"
    ),
    "producer_is_recipient": _(
        "%(producer)s produces services but its own are produced by %(recipient_of)s"
    ),
    "missing_clients": _("The municipality %(municipality)s has no client count"),
    # staffing.reconciliation
    "reconciliation_error": _("The figures cannot be compared"),
    "unknown_kind": _("Unknown kind of comparison %(kind)s"),
    "missing_context": _("The comparison %(label)s lacks %(name)s"),
    "declared_not_at_precision": _(
        "The declared figure %(declared)s is not given to %(precision)s"
    ),
}


def calculation_message(error) -> str:
    """The error's message in the user's language (its Finnish default when the code or a
    parameter is unknown here)."""
    message = MESSAGES.get(getattr(error, "code", None))
    if message is None:
        return str(getattr(error, "message", error))
    try:
        return str(message) % getattr(error, "params", {})
    except (KeyError, TypeError, ValueError):
        return str(getattr(error, "message", error))
