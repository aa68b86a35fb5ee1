"""The product's URLs plus the floor: a bare page of one query in the base template. It exists
only here, never in production's URL conf."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from municipalities.models import Pilot

BARE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>{{ pilots }}</p>{% endblock %}'
)


@login_required
def bare_page(request):
    return HttpResponse(BARE.render({"pilots": Pilot.objects.count()}, request))


urlpatterns = [
    path("bench/bare/", bare_page, name="bench-bare"),
    path("", include("kokeilu.urls")),
]
