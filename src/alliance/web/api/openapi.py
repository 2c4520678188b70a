"""The error answers every operation can give, written into the OpenAPI schema.

django-ninja documents only the answers a route declares; the refusals that come from
authentication, scoping, validation and the domain actions are added here, once, from what
each operation takes: a route with a credential can answer 401 and 403, one with a path
parameter 404 (anything outside the caller's scope), one with any parameter or body 422, and
one with a body 400 (a body that is not JSON, or holds NUL).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from alliance.web.api.schemas import Message, Rejected

REF = "#/components/schemas/{model}"
DESCRIPTIONS = {
    400: "The body is not valid JSON, or a text in it holds a NUL character",
    401: "No valid token or session",
    403: "The caller's role may not do this",
    404: "No such object in the caller's scope",
    422: "A parameter or the body is invalid; answers name the item and the reason",
}


class ClinicApi(NinjaAPI):
    """A ``NinjaAPI`` whose schema lists the error answers of every operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The generated schema with each operation's error answers added."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Message, Rejected):
            found = model.model_json_schema(ref_template=REF, mode="serialization")
            components.update(found.pop("$defs", {}))
            components[model.__name__] = found
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status in error_statuses(operation):
                    model = Rejected if status == 422 else Message
                    operation["responses"].setdefault(status, _answer(status, model.__name__))
        return schema


def error_statuses(operation: dict[str, Any]) -> list[int]:
    """The error answers ``operation`` can give, from its security, parameters and body."""
    parameters = operation.get("parameters", [])
    body = "requestBody" in operation
    statuses = [400] if body else []
    if operation.get("security"):
        statuses += [401, 403]
    if any(p["in"] == "path" for p in parameters):
        statuses.append(404)
    if parameters or body:
        statuses.append(422)
    return statuses


def _answer(status: int, model: str) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": REF.format(model=model)}}}
    return {"description": DESCRIPTIONS[status], "content": content}
