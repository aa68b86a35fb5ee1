from django.urls import path  # noqa: F401

from .views import areas, editing, lineage, lists, national

app_name = "municipalities"

urlpatterns = [
    # Client counts, filtered and exported (municipalities/views/lists.py).
    path("asiakasmaarat/", lists.StatisticListView.as_view(), name="statistic-list"),
    # Predecessors, successors and the counts over time (municipalities/views/lineage.py).
    path("kehitys/", lineage.LineageView.as_view(), name="lineage"),
    # Entering and importing client counts (municipalities/views/editing.py).
    path("asiakasmaarat/uusi/", editing.StatisticsCreateView.as_view(), name="statistics-create"),
    path(
        "asiakasmaarat/<str:date>/muokkaa/",
        editing.StatisticsEditView.as_view(),
        name="statistics-edit",
    ),
    path("asiakasmaarat/tuo/", editing.StatisticsImportView.as_view(), name="statistics-import"),
    path(
        "asiakasmaarat/malli.<str:format>",
        editing.StatisticsTemplateView.as_view(),
        name="statistics-template",
    ),
    # The national drill-down's last level above the municipality (views/national.py).
    path("kunnat/", national.AreaMembersView.as_view(), name="area-members"),
    # Setting the area up (admins; municipalities/views/areas.py).
    path("asetukset/", areas.AreaEditView.as_view(), name="area-edit"),
    path("asetukset/segmentit/", areas.AreaSegmentsView.as_view(), name="area-segments"),
    path("asetukset/paata/", areas.AreaEndView.as_view(), name="area-end"),
    path("asetukset/ryhmat/uusi/", areas.AreaGroupCreateView.as_view(), name="area-group-create"),
]
