from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api.views import Health

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("kyc.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("compliance.screening.api.urls")),
    path("", include("compliance.monitoring.api.urls")),
    path("", include("compliance.cases.api.urls")),
    path("", include("compliance.travel_rule.api.urls")),
    path("", include("compliance.network.api.urls")),
    path("", include("compliance.rule_quality.api.urls")),
    path("", include("reporting.api.urls")),
]

urlpatterns = [
    path("admin/workspace/", include("compliance.workspace.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("trp/", include("compliance.travel_rule.api.trp_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("health/", Health.as_view(), name="health"),
]
