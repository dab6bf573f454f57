"""The OpenAPI 3.1 document, generated from the same route specs and pydantic models that
validate requests (never hand-maintained)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, TypeAdapter

from entrypoints.http.routing import Auth, RouteSpec

REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{(\w+)}")

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["success", "error", "requestId"],
    "properties": {
        "success": {"const": False},
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        },
        "requestId": {"type": "string"},
    },
}
META_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["limit", "nextCursor"],
    "properties": {
        "limit": {"type": "integer"},
        "nextCursor": {"type": ["string", "null"]},
    },
    "additionalProperties": True,
}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {"ErrorResponse": ERROR_SCHEMA, "ListMeta": META_SCHEMA}

    def of(self, type_: Any, mode: str) -> dict[str, Any]:
        schema = TypeAdapter(type_).json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
        self.components.update(schema.pop("$defs", {}))
        if isinstance(type_, type) and issubclass(type_, BaseModel):
            self.components[type_.__name__] = schema
            return {"$ref": REF.format(model=type_.__name__)}
        return schema


def _operation(spec: RouteSpec, schemas: _Schemas) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": spec.summary,
        "tags": [spec.tag],
        "operationId": f"{spec.handler.__module__.rsplit('.', 1)[-1]}_{spec.handler.__name__}",
    }
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAM.findall(spec.path)
    ]
    if spec.query is not None:
        qschema = spec.query.model_json_schema(ref_template=REF)
        schemas.components.update(qschema.pop("$defs", {}))
        required = set(qschema.get("required", []))
        for name, prop in qschema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    if params:
        op["parameters"] = params
    if spec.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.of(spec.body, "validation")}},
        }
    elif spec.raw and spec.method in ("POST", "PUT", "PATCH"):
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": {}}}}
    data_schema = schemas.of(spec.response, "serialization") if spec.response is not None else {}
    envelope: dict[str, Any] = {
        "type": "object",
        "required": ["success", "data"],
        "properties": {"success": {"const": True}, "data": data_schema},
    }
    if spec.paginated:
        envelope["required"].append("meta")
        envelope["properties"]["meta"] = {"$ref": REF.format(model="ListMeta")}
    error = {
        "description": "Error (API.md error shape)",
        "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}},
    }
    op["responses"] = {
        str(spec.status): {
            "description": "Success",
            "content": {"application/json": {"schema": envelope}},
        },
        "default": error,
    }
    for status, description in spec.extra_responses.items():
        # A declared 4xx/5xx answers with the error shape, like every other error.
        schema = envelope if status < 400 else {"$ref": REF.format(model="ErrorResponse")}
        op["responses"][str(status)] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    if spec.auth is not Auth.NONE:
        op["security"] = [{"bearerAuth": []}, {"sessionCookie": []}]
        if spec.auth is Auth.OPTIONAL:
            op["security"].append({})
    return op


def build_openapi(specs: list[RouteSpec], *, version: str) -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        if spec.include_in_schema:
            paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "FairArena API",
            "version": version,
            "description": "FairArena platform backend. Every response uses the envelope "
            "{success, data | error, requestId}.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "__session"},
            },
        },
    }
