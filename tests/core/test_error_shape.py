"""API.md: errors are 400 {"errors": {field: [...]}, "code": "invalid"}; never 500 on bad input."""

import pytest
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import StrictFieldsMixin
from core.errors import Conflict

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.test_error_shape")]


class Body(StrictFieldsMixin, serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    name = serializers.CharField()


class Echo(APIView):
    def post(self, request):
        body = Body(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["name"] == "taken":
            raise Conflict("name is taken", existing_external_id="U-1")
        return Response({"amount": str(body.validated_data["amount"])})


urlpatterns = [path("echo/", Echo.as_view())]


def test_malformed_json_is_400_with_a_message(api_client):
    response = api_client.post("/echo/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "Malformed" in body["errors"]["body"][0]


def test_wrong_type_is_400_naming_the_field(api_client):
    response = api_client.post("/echo/", {"amount": "lots", "name": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"amount": ["A valid number is required."]},
        "code": "invalid",
    }


def test_unknown_field_is_400(api_client):
    response = api_client.post("/echo/", {"amount": "1", "name": "x", "amout": 2}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"amout": ["Unknown field."]}


def test_json_array_instead_of_object_is_400(api_client):
    response = api_client.post("/echo/", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_domain_conflict_is_409_with_details(api_client):
    response = api_client.post("/echo/", {"amount": "1.00", "name": "taken"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "detail": "name is taken",
        "existing_external_id": "U-1",
    }


def test_good_input_passes(api_client):
    response = api_client.post("/echo/", {"amount": "1250000.00", "name": "x"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"amount": "1250000.00"}
