from django.urls import path

from core.api import views

urlpatterns = [path("whoami/", views.WhoAmI.as_view(), name="whoami")]
