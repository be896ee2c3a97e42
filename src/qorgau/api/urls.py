"""Routing of the REST API under /api/v1/. Views live with their apps (`<app>/api.py`)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from qorgau.accounts.api import AgencyList, MeView
from qorgau.api.errors import json_not_found
from qorgau.core.api import RegionList
from qorgau.directory.api import CapacityUpdateView, DirectorySearch, ServiceTypeList

docs_access = {"permission_classes": [AllowAny], "authentication_classes": []}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(**docs_access), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", **docs_access), name="docs"),
    path("me/", MeView.as_view(), name="me"),
    path("regions/", RegionList.as_view(), name="regions"),
    path("agencies/", AgencyList.as_view(), name="agencies"),
    path("services/", ServiceTypeList.as_view(), name="services"),
    path("directory/", DirectorySearch.as_view(), name="directory"),
    path("directory/<int:agency_id>/capacity/", CapacityUpdateView.as_view(), name="capacity"),
]

# Unknown API paths answer in the API's error format rather than with an HTML page.
urlpatterns.append(re_path(r"^.*$", json_not_found))
