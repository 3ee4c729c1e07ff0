from django.urls import path

from reporting.api import views

urlpatterns = [
    path("reports/", views.ReportList.as_view(), name="report-list"),
    path("reports/<uuid:pk>/xml/", views.ReportXml.as_view(), name="report-xml"),
]
