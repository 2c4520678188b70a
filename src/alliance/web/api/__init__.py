"""The JSON API (django-ninja), with its OpenAPI schema at ``/api/openapi.json``."""

from alliance.web.api.app import api

__all__ = ["api"]
