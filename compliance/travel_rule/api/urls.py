from django.urls import path

from compliance.travel_rule.api import views

urlpatterns = [
    path("travel-rule/transfers/", views.TransferCreate.as_view(), name="tr-transfers"),
    path("travel-rule/transfers/<str:pk>/", views.TransferDetail.as_view(), name="tr-transfer"),
    path(
        "travel-rule/transfers/<str:pk>/confirm/",
        views.TransferConfirm.as_view(),
        name="tr-transfer-confirm",
    ),
    path(
        "travel-rule/transfers/<str:pk>/ivms101/",
        views.TransferIvms101.as_view(),
        name="tr-transfer-ivms101",
    ),
    path("travel-rule/ivms101/validate/", views.Ivms101Validate.as_view(), name="tr-ivms101"),
    path("travel-rule/travel-addresses/", views.TravelAddressCreate.as_view(), name="tr-addresses"),
    path(
        "travel-rule/wallet-declarations/",
        views.WalletDeclarationCreate.as_view(),
        name="tr-declarations",
    ),
    path("travel-rule/records/", views.RegulatorRecords.as_view(), name="tr-records"),
]
