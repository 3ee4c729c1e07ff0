from django.urls import path

from compliance.network.api import views

urlpatterns = [
    path("customers/<str:id>/network/", views.CustomerNetwork.as_view(), name="customer-network"),
]
