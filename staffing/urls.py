from django.urls import path  # noqa: F401

from .views import editing, lists

urlpatterns = [
    # Line items of every plan, filtered and exported (staffing/views/lists.py).
    path("rivit/", lists.AllocationListView.as_view(), name="allocation-list"),
    # Plans over time and plan editing (staffing/views/editing.py).
    path("suunnitelmat/", editing.PlanListView.as_view(), name="plan-list"),
    path("vertailu/", editing.PlanCompareView.as_view(), name="plan-compare"),
    path("suunnitelmat/<slug:plan>/muokkaa/", editing.PlanEditView.as_view(), name="plan-edit"),
    path("suunnitelmat/<slug:plan>/kopioi/", editing.PlanCopyView.as_view(), name="plan-copy"),
    path(
        "suunnitelmat/<slug:plan>/hyvaksy/", editing.PlanApproveView.as_view(), name="plan-approve"
    ),
    path(
        "suunnitelmat/<slug:plan>/historia/",
        editing.PlanHistoryView.as_view(),
        name="plan-history",
    ),
    path(
        "suunnitelmat/<slug:plan>/historia/<int:history_id>/palauta/",
        editing.AllocationRestoreView.as_view(),
        name="allocation-restore",
    ),
    path(
        "suunnitelmat/<slug:plan>/rivit/uusi/",
        editing.AllocationCreateView.as_view(),
        name="allocation-create",
    ),
    path(
        "suunnitelmat/<slug:plan>/rivit/<int:pk>/muokkaa/",
        editing.AllocationUpdateView.as_view(),
        name="allocation-edit",
    ),
    path(
        "suunnitelmat/<slug:plan>/rivit/<int:pk>/poista/",
        editing.AllocationDeleteView.as_view(),
        name="allocation-delete",
    ),
]
