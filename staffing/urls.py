from django.urls import path  # noqa: F401

from .views import dashboard, lines, lists, plans, pools

app_name = "staffing"

urlpatterns = [
    # The dashboards (staffing/views/dashboard.py): the pilot's plan in force, or one plan.
    path("", dashboard.PilotDashboardView.as_view(), name="pilot-dashboard"),
    # Before the plan's own addresses: "uusi" is no plan's short name here.
    path("suunnitelmat/uusi/", plans.PlanCreateView.as_view(), name="plan-create"),
    path("suunnitelmat/<slug:plan>/", dashboard.PlanDashboardView.as_view(), name="plan-dashboard"),
    path(
        "suunnitelmat/<slug:plan>/tulostus.css",
        dashboard.PlanPrintStyleView.as_view(),
        name="plan-print-style",
    ),
    # Line items of every plan, filtered and exported (staffing/views/lists.py).
    path("rivit/", lists.AllocationListView.as_view(), name="allocation-list"),
    # Plans over time (staffing/views/plans.py) and their lines (staffing/views/lines.py).
    path("suunnitelmat/", plans.PlanListView.as_view(), name="plan-list"),
    path("vertailu/", plans.PlanCompareView.as_view(), name="plan-compare"),
    path("suunnitelmat/<slug:plan>/muokkaa/", plans.PlanEditView.as_view(), name="plan-edit"),
    path("suunnitelmat/<slug:plan>/luvut/", plans.PlanPanelsView.as_view(), name="plan-panels"),
    path(
        "suunnitelmat/<slug:plan>/asetukset/",
        plans.PlanSettingsView.as_view(),
        name="plan-settings",
    ),
    path("suunnitelmat/<slug:plan>/kopioi/", plans.PlanCopyView.as_view(), name="plan-copy"),
    path("suunnitelmat/<slug:plan>/laheta/", plans.PlanSubmitView.as_view(), name="plan-submit"),
    path("suunnitelmat/<slug:plan>/hyvaksy/", plans.PlanApproveView.as_view(), name="plan-approve"),
    path(
        "suunnitelmat/<slug:plan>/kapasiteetti/",
        plans.ScenarioCapacityView.as_view(),
        name="scenario-capacity",
    ),
    path(
        "suunnitelmat/<slug:plan>/historia/",
        plans.PlanHistoryView.as_view(),
        name="plan-history",
    ),
    path(
        "suunnitelmat/<slug:plan>/historia/<int:history_id>/palauta/",
        lines.AllocationRestoreView.as_view(),
        name="allocation-restore",
    ),
    # A plan's resource pools (staffing/views/pools.py).
    path("suunnitelmat/<slug:plan>/poolit/", pools.PoolListView.as_view(), name="pool-list"),
    path(
        "suunnitelmat/<slug:plan>/poolit/<int:pk>/muokkaa/",
        pools.PoolEditView.as_view(),
        name="pool-edit",
    ),
    path(
        "suunnitelmat/<slug:plan>/poolit/<int:pk>/poista/",
        pools.PoolDeleteView.as_view(),
        name="pool-delete",
    ),
    path(
        "suunnitelmat/<slug:plan>/rivit/uusi/",
        lines.AllocationCreateView.as_view(),
        name="allocation-create",
    ),
    path(
        "suunnitelmat/<slug:plan>/rivit/<int:pk>/muokkaa/",
        lines.AllocationUpdateView.as_view(),
        name="allocation-edit",
    ),
    path(
        "suunnitelmat/<slug:plan>/rivit/<int:pk>/poista/",
        lines.AllocationDeleteView.as_view(),
        name="allocation-delete",
    ),
]
