"""The generated OpenAPI document is valid OpenAPI 3.1, with unique operation ids."""

from __future__ import annotations

from collections import Counter

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from entrypoints.http.app import API_VERSION, all_specs
from entrypoints.http.openapi import build_openapi
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery


def test_the_whole_document_validates() -> None:
    validate(build_openapi(all_specs(), version=API_VERSION))


def test_operation_ids_are_unique() -> None:
    document = build_openapi(all_specs(), version=API_VERSION)
    ids = Counter(
        operation["operationId"]
        for operations in document["paths"].values()
        for operation in operations.values()
    )
    assert [name for name, n in ids.items() if n > 1] == []


def test_the_validator_catches_a_duplicate_operation_id() -> None:
    """Guards the guard: the document check really looks at operation ids."""
    routes = ApiRoutes(tag="t")

    async def handler(call: Call[NoBody, NoQuery]) -> None:
        return None

    routes.get("/a", auth=Auth.NONE)(handler)
    document = build_openapi(routes.specs, version="1")
    document["paths"]["/b"] = document["paths"]["/a"]
    with pytest.raises(OpenAPIValidationError):
        validate(document)
