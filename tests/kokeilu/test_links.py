"""Every link a page shows its user leads somewhere that user may go: a crawl from the home
page, per role, over the seed pilots, following each internal link once (by path and the
names of its query's parameters) and asking every one for an answer that is no error (400 or
more). A link to a page the user may not open (the scenario's capacity page answered
managers 403) is a dead end a user cannot tell from a broken page."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from municipalities.models import Pilot

#: Not followed: what is not a page (static files, downloads, the admin site's own pages) and
#: what ends the session.
SKIPPED_PREFIXES = ("/static/", "/admin/", "/kirjaudu-ulos/", "/logout/")
#: Bounds the crawl: it fails beyond this many pages per role (the seeds have fewer kinds of
#: page, so every kind is opened).
MAX_PAGES = 1000


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(attrs["href"])


def links_of(content: bytes, base: str) -> list[str]:
    parser = _Links()
    parser.feed(content.decode())
    found = []
    for href in parser.links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("#") or href.startswith("mailto:"):
            continue
        path = parts.path or urlsplit(base).path
        if not path.startswith("/") or path.startswith(SKIPPED_PREFIXES):
            continue
        query = dict(parse_qsl(parts.query))
        if "_export" in query:
            continue
        found.append(path + (f"?{parts.query}" if parts.query else ""))
    return found


def shape(url: str) -> tuple[str, tuple[str, ...]]:
    """A link's kind: its path and the names (not the values) of its query's parameters."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted(name for name, _ in parse_qsl(parts.query)))


def walk(client, kind=shape):
    """Open the home page and every page a link on an opened page leads to, one page per
    `kind` of link; yield (url, the page linking to it, the answer) for each. Links are
    followed from pages that are HTML and no error; the walk fails if it does not end."""
    queue = deque([("/", "(start)")])
    seen = {kind("/")}
    opened = 0
    while queue:
        url, source = queue.popleft()
        response = client.get(url, follow=True)
        opened += 1
        assert opened <= MAX_PAGES, f"the crawl did not end within {MAX_PAGES} pages"
        yield url, source, response
        if response.status_code >= 400 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links_of(response.content, url):
            if kind(link) not in seen:
                seen.add(kind(link))
                queue.append((link, url))


def crawl(client) -> tuple[list[str], list[str]]:
    """Every page opened and every link that answered an error (400 or more)."""
    dead, opened = [], []
    for url, source, response in walk(client):
        opened.append(url)
        if response.status_code >= 400:
            dead.append(f"{url} answered {response.status_code} (linked from {source})")
    return opened, dead


@pytest.mark.parametrize("role", ["admin", "manager", "approver", "coordinator"])
def test_no_link_leads_its_user_to_a_refusal(role, scenario, client, make_user, admin_user):
    kokkola = Pilot.objects.get(slug="kokkolan-seutu")
    if role == "admin":
        user = admin_user
    elif role == "manager":
        user = make_user("johtaja", groups=[MANAGERS_GROUP])
    elif role == "approver":  # a steering group's member: no group, the pilot's approver
        user = make_user("hyvaksyja")
        kokkola.approvers.add(user)
    else:
        user = make_user("koordinaattori", groups=[COORDINATORS_GROUP], pilots=[kokkola])
    client.force_login(user)
    opened, dead = crawl(client)
    assert dead == [], "\n".join(dead)
    # Every reader reaches the pilot's pages, the scenario's capacity page among them.
    capacity = reverse(
        "staffing:scenario-capacity", kwargs={"pilot": kokkola.slug, "plan": scenario.slug}
    )
    assert capacity in opened, len(opened)
