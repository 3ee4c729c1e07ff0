from django.urls import path

from compliance.rule_quality.api import views

urlpatterns = [
    path("rules/quality/", views.RuleQualityList.as_view(), name="rule-quality-list"),
]
