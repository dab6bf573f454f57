"""Declared error statuses are documented with the error shape, not the success envelope.

Found by tests/e2e/test_openapi_contract.py: the Clerk webhook's declared 403/503 answers
violated their own (success-envelope) schema.
"""

from __future__ import annotations

from entrypoints.http.app import API_VERSION, all_specs
from entrypoints.http.openapi import build_openapi

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}


def responses() -> list[tuple[str, str, str, dict]]:
    document = build_openapi(all_specs(), version=API_VERSION)
    return [
        (path, method, status, response)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
    ]


def test_every_declared_error_status_uses_the_error_schema() -> None:
    errors = [r for r in responses() if r[2] != "default" and int(r[2]) >= 400]
    assert any(path == "/healthz" and status == "503" for path, _, status, _ in errors)
    for path, method, status, response in errors:
        schema = response["content"]["application/json"]["schema"]
        assert schema == ERROR_REF, f"{method.upper()} {path} {status}"


def test_success_statuses_keep_the_envelope() -> None:
    for path, method, status, response in responses():
        if status != "default" and int(status) < 400:
            schema = response["content"]["application/json"]["schema"]
            assert schema["properties"]["success"] == {"const": True}, f"{method} {path}"
