from django.urls import path

from kyc.api import views

urlpatterns = [
    path("customers/", views.CustomerList.as_view(), name="customer-list"),
    path("customers/<str:ref>/", views.CustomerDetail.as_view(), name="customer-detail"),
    path(
        "customers/<str:ref>/documents/",
        views.CustomerDocuments.as_view(),
        name="customer-documents",
    ),
    path("customers/<str:ref>/submit/", views.CustomerSubmit.as_view(), name="customer-submit"),
    path("customers/<str:ref>/wallets/", views.CustomerWallets.as_view(), name="customer-wallets"),
]
