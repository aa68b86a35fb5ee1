from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from municipalities.views.areas import AreaCreateView
from municipalities.views.national import MunicipalityView
from municipalities.views.statfin import StatFinImportView

from . import national, organisations, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "kirjaudu/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("salasana/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "salasana/vaihdettu/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language can be chosen on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("tietoja-aineistosta/", views.AboutDataView.as_view(), name="about-data"),
    path("health/", views.health, name="health"),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", login_not_required(views.FaviconView.as_view()), name="favicon"),
    # Public, like the login page that links to it (laki 306/2019).
    path("saavutettavuus/", views.AccessibilityView.as_view(), name="accessibility"),
    # The national drill-down: regions → a region's areas → (an area's municipalities, under
    # the pilot's pages) → a municipality.
    path("maakunnat/", national.RegionListView.as_view(), name="national-regions"),
    path("maakunnat/<str:region>/", national.RegionAreasView.as_view(), name="national-region"),
    path("kunnat/<str:code>/", MunicipalityView.as_view(), name="municipality-detail"),
    path("admin/", admin.site.urls),
    # Official statistics for every municipality, admins only (municipalities/views/statfin.py).
    path("tilastot/statfin/", StatFinImportView.as_view(), name="statfin-import"),
    # Pages of one pilot: /kokeilut/<pilot>/… Staffing first: its dashboards are the pilot's
    # front page (kokeilut/<pilot>/) and a plan's page (kokeilut/<pilot>/suunnitelmat/<plan>/).
    # Before the pilots' pages: "uusi" is no pilot's address (area_services.RESERVED_SLUGS).
    path("kokeilut/uusi/", AreaCreateView.as_view(), name="area-create"),
    # The pilot's own organisations, which its lines and service points offer (organisations.py).
    path(
        "kokeilut/<slug:pilot>/organisaatiot/",
        organisations.PilotOrganisationsView.as_view(),
        name="pilot-organisations",
    ),
    path(
        "kokeilut/<slug:pilot>/organisaatiot/lisaa/",
        organisations.PilotOrganisationAddView.as_view(),
        name="pilot-organisation-add",
    ),
    path(
        "kokeilut/<slug:pilot>/organisaatiot/uusi/",
        organisations.OrganisationCreateView.as_view(),
        name="pilot-organisation-create",
    ),
    path(
        "kokeilut/<slug:pilot>/organisaatiot/<int:pk>/poista/",
        organisations.PilotOrganisationRemoveView.as_view(),
        name="pilot-organisation-remove",
    ),
    path("kokeilut/<slug:pilot>/", include("staffing.urls")),
    path("kokeilut/<slug:pilot>/", include("municipalities.urls")),
    path("kokeilut/<slug:pilot>/toimipisteet/", include("servicepoints.urls")),
]
