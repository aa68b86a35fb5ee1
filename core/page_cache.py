"""Rendered pages kept while nothing they show has changed.

A page is kept under a key of everything it depends on: the database's revision
(`core.revision`, raised by every committed write), the view and the full address with its
query, the language, today's date (what may be edited depends on it), the user and the user's
CSRF secret (the page's forms carry a token of it). Any write anywhere makes every kept page
old; a kept page is never served across users, languages or days.

Not kept: anything but a successful GET of a whole page (no htmx fragments, no exports), a
request with messages waiting to be shown, a request without a CSRF secret yet. A page is
stored only when its request's transaction commits, so a page read inside a transaction that
rolls back is never kept.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation

from . import revision

CACHE_ALIAS = "pages"


def page_key(request, view_name: str) -> str | None:
    """The key of `request`'s page, or None when the page is not to be kept."""
    if request.method != "GET" or request.headers.get("HX-Request"):
        return None
    secret = request.META.get("CSRF_COOKIE")
    user = getattr(request, "user", None)
    if not secret or user is None or not user.is_authenticated:
        return None
    if len(messages.get_messages(request)):
        return None
    parts = (
        revision.current(),
        view_name,
        request.get_full_path(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        str(user.pk),
        secret,
    )
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class CachedPageMixin:
    """Serve a GET from the page cache when its key is there; otherwise render and keep it.

    Put it after the access mixin (the access check runs on every request, kept or not) and
    before the view: `class View(PilotAccessMixin, CachedPageMixin, TemplateView)`.
    """

    def dispatch(self, request, *args, **kwargs):
        timeout = settings.PAGE_CACHE_TIMEOUT
        key = page_key(request, type(self).__qualname__) if timeout else None
        if key is None:
            return super().dispatch(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
        response = super().dispatch(request, *args, **kwargs)
        if isinstance(response, TemplateResponse) and response.status_code == 200:

            def keep(rendered):
                if len(messages.get_messages(request)):
                    return  # the page shows messages of this request: not for another one
                content = rendered.content
                transaction.on_commit(lambda: cache.set(key, content, timeout))

            response.add_post_render_callback(keep)
        return response
