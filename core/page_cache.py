"""Rendered pages kept while nothing they show has changed.

A page is kept under a key of everything it depends on: the database's revision
(`core.revision`, raised by every committed write; for a page of one pilot, the shared revision
and the pilot's, raised by writes to what every pilot shows and to the pilot's own rows), the
view and the full address with its query, the language, today's date (what may be edited
depends on it), the user and the user's CSRF secret (the page's forms carry a token of it).
A write makes every kept page old that may show it: any write the pages of no one pilot, a
write to one pilot's rows that pilot's pages; a kept page is never served across users,
languages or days. A view marked `page_of_pilot` must show only its pilot's rows and shared
ones (`core.revision.PILOT_TABLES`, `SHARED_TABLES`): not a predecessor's or any other pilot's.

The revision is read by `RevisionMiddleware`, before the session, the user, the pilot or
anything else the page shows is read, so everything on a page keyed on revision R is at least
as new as R (PostgreSQL's READ COMMITTED and SQLite's WAL give each later statement a snapshot
at least as new).

Not kept: anything but a successful GET of a whole page (no htmx fragments, no exports), a
request with messages waiting to be shown or shown on it, a request without a CSRF secret yet.
The page is stored once its response is rendered, outside the view's transaction: at once in
a deployment, and never in a test that rolls its transaction back (`transaction.on_commit`).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from . import revision

CACHE_ALIAS = "pages"
#: Where the pilots' parts of a page of many pilots are kept (`kept_parts`).
PARTS_ALIAS = "parts"


def keeps(request) -> bool:
    """Whether `request` is one whose page may be kept: a GET of a whole page."""
    return request.method == "GET" and not request.headers.get("HX-Request")


class RevisionMiddleware:
    """Reads the database's revision for a request to a kept page's view, first of all.

    Put it before SessionMiddleware: the session and the user are read after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if keeps(request) and settings.PAGE_CACHE_TIMEOUT:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            view_class = getattr(match.func, "view_class", None) if match else None
            if view_class is not None and issubclass(view_class, CachedPageMixin):
                request.page_revision = view_class.page_revision(match.kwargs)
        return self.get_response(request)


def page_key(request, view_name: str) -> str | None:
    """The key of `request`'s page, or None when the page is not to be kept."""
    page_revision = getattr(request, "page_revision", None)
    if page_revision is None or not keeps(request):
        return None
    secret = request.META.get("CSRF_COOKIE")
    user = getattr(request, "user", None)
    if not secret or user is None or not user.is_authenticated:
        return None
    if len(messages.get_messages(request)):
        return None
    parts = (
        page_revision,
        view_name,
        request.get_full_path(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        str(user.pk),
        secret,
    )
    return hashed_key("page", parts)


def hashed_key(kind: str, parts) -> str:
    """A cache key of `parts` (any length, any characters): `kind:` and their SHA-256."""
    return f"{kind}:" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


class CachedPageMixin:
    """Serve a GET from the page cache when its key is there; otherwise render and keep it.

    Put it after the access mixin (the access check runs on every request, kept or not) and
    before the view: `class View(PilotAccessMixin, CachedPageMixin, TemplateView)`.

    `page_of_pilot`: the URL keyword naming the one pilot whose rows the page shows (with the
    shared ones every pilot's pages show, `core.revision.SHARED_TABLES`), so it is kept while
    other pilots are written; None for a page of every pilot, kept until any write.
    """

    page_of_pilot: str | None = None

    @classmethod
    def page_revision(cls, url_kwargs) -> str:
        """The revision the page is as new as, read before anything the page shows."""
        if cls.page_of_pilot and url_kwargs.get(cls.page_of_pilot):
            return "pilot " + revision.of_pilot(url_kwargs[cls.page_of_pilot])
        return revision.current()

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


def kept_parts(name: str, pilot_ids, compute) -> dict:
    """Each pilot's part of a page of many pilots (its row on the home page), kept under the
    shared revision and the pilot's (`core.revision.of_pilots`), the language and the day:
    after a write to one pilot's rows only that pilot's part is computed again. A part shows
    nothing of a user's own (who may see which pilots is decided before), so every user's
    page uses it. `compute(ids)` answers {id: part} for the ids not kept; an id it leaves out
    (a pilot ended or removed since it was listed) is left out of the answer. The parts must be
    picklable. Stored once the request commits, as a page is."""
    pilot_ids = list(pilot_ids)
    timeout = settings.PAGE_CACHE_TIMEOUT
    if not timeout or not pilot_ids:
        return compute(pilot_ids) if pilot_ids else {}
    revisions = revision.of_pilots(pilot_ids)
    common = (name, revisions[0], translation.get_language() or "", timezone.localdate())
    keys = {pk: hashed_key("part", (*common, pk, revisions.get(pk, "-"))) for pk in pilot_ids}
    cache = caches[PARTS_ALIAS]
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk in pilot_ids if keys[pk] not in found]
    computed = compute(missing) if missing else {}
    if computed:
        fresh = {keys[pk]: part for pk, part in computed.items()}
        transaction.on_commit(lambda: cache.set_many(fresh, timeout))
    # A pilot `compute` no longer finds (ended or removed since it was listed) is left out.
    return {
        pk: found[keys[pk]] if keys[pk] in found else computed[pk]
        for pk in pilot_ids
        if keys[pk] in found or pk in computed
    }
