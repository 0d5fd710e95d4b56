from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class PagePagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 100); the values are validated with the other query parameters."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        query = view.query
        paginator = self.django_paginator_class(queryset, query.get("page_size") or self.page_size)
        try:
            self.page = paginator.page(query.get("page") or 1)
        except InvalidPage:
            raise NotFound(_("This page does not exist: the list has fewer pages."), code="no_such_page") from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        # Described, with their limits, by each endpoint's query serializer.
        return []
