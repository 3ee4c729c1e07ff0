"""Mounted at /admin/workspace/ (before the admin's own URLs) by config/urls.py."""

from django.contrib import admin
from django.urls import path

from compliance.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard), name="dashboard"),
    path("saved-views/", admin.site.admin_view(views.save_view), name="save-view"),
    path(
        "saved-views/<int:pk>/delete/",
        admin.site.admin_view(views.delete_view),
        name="delete-view",
    ),
    path(
        "customers/<uuid:pk>/",
        admin.site.admin_view(views.customer_360),
        name="customer-360",
    ),
]
