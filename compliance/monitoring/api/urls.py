from django.urls import path

from compliance.monitoring.api import views

urlpatterns = [
    path("transactions/", views.TransactionList.as_view(), name="transaction-list"),
    path("transactions/bulk/", views.TransactionBulk.as_view(), name="transaction-bulk"),
    path("transactions/check/", views.TransactionCheck.as_view(), name="transaction-check"),
    path(
        "transactions/check/<str:ref>/release/",
        views.TransactionCheckRelease.as_view(),
        name="transaction-check-release",
    ),
    path("transactions/<str:ref>/", views.TransactionDetail.as_view(), name="transaction-detail"),
    path("alerts/", views.AlertList.as_view(), name="alert-list"),
    path("alerts/<str:pk>/", views.AlertDetail.as_view(), name="alert-detail"),
]
