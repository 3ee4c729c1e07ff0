from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages of 50 by default; ``page_size`` a whole number from 1, larger than 500 read as 500
    (API.md). One that is not such a number is a 400 (it used to fall back to the default
    silently); a page past the last is a 404, as documented."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[-1]
        if len(values) > 1 or not value.isdigit() or int(value) < 1 or len(value) > 9:
            raise ValidationError({"page_size": ["A whole number from 1, given once."]})
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": 999_999_999}
                parameter["description"] = f"1 or more; above {self.max_page_size} reads as it."
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] |= {"minimum": 1}
        return parameters
