from django.urls import path

from compliance.travel_rule.api import trp_views

urlpatterns = [
    path("identity/", trp_views.identity, name="trp-identity"),
    path("inquiry/<str:token>/", trp_views.Inquiry.as_view(), name="trp-inquiry"),
    path("callback/<str:pk>/", trp_views.Callback.as_view(), name="trp-callback"),
    path("confirm/<str:pk>/", trp_views.Confirmation.as_view(), name="trp-confirm"),
]
