from django.urls import path

from kyc.api import views

urlpatterns = [
    path("customers/", views.CustomerList.as_view(), name="customer-list"),
    path("customers/<str:id>/", views.CustomerDetail.as_view(), name="customer-detail"),
    path(
        "customers/<str:id>/documents/",
        views.CustomerDocuments.as_view(),
        name="customer-documents",
    ),
    path("customers/<str:id>/submit/", views.CustomerSubmit.as_view(), name="customer-submit"),
    path("customers/<str:id>/wallets/", views.CustomerWallets.as_view(), name="customer-wallets"),
]
