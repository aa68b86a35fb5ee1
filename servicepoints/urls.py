"""Mounted at kokeilut/<pilot>/toimipisteet/. The pilot-wide pages come before
"<point>/", and services.RESERVED_SLUGS (read from the patterns here) keeps points from
taking their names. A production ("X produces Y's services") is named by the code of the
municipality served."""

from django.urls import path

from . import views

app_name = "servicepoints"

urlpatterns = [
    path("", views.ServicePointListView.as_view(), name="servicepoint-list"),
    path("uusi/", views.ServicePointCreateView.as_view(), name="servicepoint-create"),
    path("kattavuus/", views.CoverageView.as_view(), name="coverage"),
    path("viikko/", views.WeeklyView.as_view(), name="weekly"),
    path("jarjestelyt/uusi/", views.ArrangementCreateView.as_view(), name="arrangement-create"),
    path(
        "jarjestelyt/<slug:arrangement>/muokkaa/",
        views.ArrangementUpdateView.as_view(),
        name="arrangement-edit",
    ),
    path(
        "jarjestelyt/<slug:arrangement>/poista/",
        views.ArrangementDeleteView.as_view(),
        name="arrangement-delete",
    ),
    path(
        "jarjestelyt/tuotanto/<str:recipient>/muokkaa/",
        views.ProductionUpdateView.as_view(),
        name="production-edit",
    ),
    path(
        "jarjestelyt/tuotanto/<str:recipient>/poista/",
        views.ProductionDeleteView.as_view(),
        name="production-delete",
    ),
    path("<slug:point>/", views.ServicePointDetailView.as_view(), name="servicepoint-detail"),
    path("<slug:point>/muokkaa/", views.ServicePointUpdateView.as_view(), name="servicepoint-edit"),
    path("<slug:point>/sulje/", views.ServicePointCloseView.as_view(), name="servicepoint-close"),
    path("<slug:point>/paivystys/", views.ScheduleEditView.as_view(), name="schedule-edit"),
    path(
        "<slug:point>/sijoitukset/uusi/",
        views.PlacementCreateView.as_view(),
        name="placement-create",
    ),
    path(
        "<slug:point>/sijoitukset/<int:placement>/muokkaa/",
        views.PlacementUpdateView.as_view(),
        name="placement-edit",
    ),
    path(
        "<slug:point>/sijoitukset/<int:placement>/poista/",
        views.PlacementDeleteView.as_view(),
        name="placement-delete",
    ),
]
