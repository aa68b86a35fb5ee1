"""No input makes a 500: every form a crawl of the seed pilots finds (per role) is sent with
hostile values in every field, the hidden ones too (a version of "abc", a count of "1,000",
text of 10 000 characters, a NUL, an Arabic-Indic digit, markup), and each answer is a page
or a redirect, never a server error, and never an answer of more than a megabyte (what a
hostile count once made the line form build)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from core.permissions import COORDINATORS_GROUP
from municipalities.models import Pilot
from tests.kokeilu.test_links import SKIPPED_PREFIXES, shape, walk

HOSTILE = ["", "1,000", "-1", "abc", "1e3", "٥", "x" * 10_000, "<b>\x00</b>", "9" * 40]
#: No answer grows far beyond its input: a posted count of 10^40 once rendered 3,8 MB of empty
#: forms (and took 14 s), which a size shows without timing anything.
MAX_ANSWER = 1_000_000


class _Forms(HTMLParser):
    """Each form of a page: its action, method and fields' names (first value of each)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": {},
                "htmx": any(name.startswith("hx-") for name in attrs),
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea", "button"):
            # a named button is a field too (an approval's decision, a search's action)
            name = attrs.get("name")
            if name and attrs.get("type") != "file":
                self._form["fields"].setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def forms_of(client) -> dict[str, dict]:
    """Every form of the pages a crawl from the home page reaches (the searches and filters
    sent as a GET too), one per kind (its action's route, method and field names)."""
    found = {}
    for url, _source, response in walk(client, kind=route_of):
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or url
            path = urlsplit(action).path or urlsplit(url).path
            if path.startswith(SKIPPED_PREFIXES) or "i18n" in path:
                continue
            # one of each: line 12's form is line 13's, another service point's is this one's
            route = resolve(path).route
            kind = re.sub(r"\d+", "#", repr((route, form["method"], sorted(form["fields"]))))
            found.setdefault(kind, dict(form, action=action))
    return found


def route_of(url: str) -> tuple:
    """A page's kind: its URL pattern with its pilot and plan (a draft's page has forms that
    an approved plan's has not) but no other row's key (line 12's page is line 13's, one
    service point's is another's), and its query's names."""
    path, names = shape(url)
    try:
        match = resolve(path)
    except Resolver404:
        return path, names
    kwargs = {
        key: value if key in ("pilot", "plan") else "#" for key, value in match.kwargs.items()
    }
    return match.route, tuple(sorted(kwargs.items())), names


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_no_hostile_value_makes_a_server_error(role, scenario, client, make_user, admin_user):
    kokkola = Pilot.objects.get(slug="kokkolan-seutu")
    if role == "admin":  # every form there is: the areas', the users' rights, the imports
        client.force_login(admin_user)
    else:
        user = make_user("koordinaattori", groups=[COORDINATORS_GROUP], pilots=[kokkola])
        client.force_login(user)
    forms = forms_of(client)
    assert len(forms) > 10, sorted(forms)  # the crawl found the pilot's forms
    client.raise_request_exception = False  # a server error is an answer: collect them all
    errors = []
    for form in forms.values():
        action, fields = form["action"], form["fields"]
        send = client.post if form["method"] == "post" else client.get
        for value in HOSTILE:
            data = {name: value for name in fields if name != "csrfmiddlewaretoken"}
            # as a form sends it, and as htmx sends an htmx form (answered with a fragment)
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}) if form["htmx"] else ({},):
                # followed as a browser follows it: the next page shows (and so ends) the
                # messages the post left
                response = send(action, data, follow=True, **headers)
                size = len(response.content)
                if response.status_code >= 500 or size > MAX_ANSWER:
                    errors.append(
                        f"{form['method'].upper()} {action} {sorted(fields)} "
                        f"with {value[:12]!r}: {response.status_code}, {size} bytes"
                    )
    assert errors == [], "\n".join(errors)
    # still signed in: no form sent signed the user out, so every one was tried as the user
    assert client.get("/", follow=True).wsgi_request.user.is_authenticated
    # and the scenario is still a draft: no value locked it, so its forms were all tried
    scenario.refresh_from_db()
    assert not scenario.is_locked
