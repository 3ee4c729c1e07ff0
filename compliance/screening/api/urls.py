from django.urls import path

from compliance.screening.api import views

urlpatterns = [
    path("screening/search/", views.ScreeningSearch.as_view(), name="screening-search"),
    path("screening/wallet/", views.WalletScreening.as_view(), name="screening-wallet"),
]
