"""The OpenAPI 3.1 document, generated from the same route specs and pydantic models that
validate requests (never hand-maintained)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pydantic import BaseModel, TypeAdapter

from entrypoints.http.routing import Auth, RouteSpec

REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{(\w+)}")
_VERSION_SEGMENT = re.compile(r"^v\d+$")

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


def _handler_id(spec: RouteSpec) -> str:
    if spec.name is not None:
        return spec.name
    return f"{spec.handler.__module__.rsplit('.', 1)[-1]}_{spec.handler.__name__}"


def _path_slug(path: str) -> str:
    """``/api/v1/team/{teamId}/members`` → ``team_members``: what tells aliases apart."""
    literal = [
        part.replace("-", "_")
        for part in path.strip("/").split("/")
        if part and part != "api" and not _VERSION_SEGMENT.match(part) and "{" not in part
    ]
    return "_".join(literal) or "root"


def _operation_ids(specs: list[RouteSpec]) -> dict[int, str]:
    """One id per operation, unique as OpenAPI requires: a handler served on several paths
    (the Razorpay webhook alias, the member routes of each scope) is qualified by its path."""
    uses = Counter(_handler_id(spec) for spec in specs)
    ids = {
        id(spec): _handler_id(spec)
        if uses[_handler_id(spec)] == 1
        else f"{_handler_id(spec)}__{_path_slug(spec.path)}"
        for spec in specs
    }
    repeated = [name for name, n in Counter(ids.values()).items() if n > 1]
    if repeated:
        raise ValueError(f"operationId used by more than one route: {repeated}")
    return ids


def _operation(spec: RouteSpec, schemas: _Schemas, operation_id: str) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": spec.summary,
        "tags": [spec.tag],
        "operationId": operation_id,
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
    idempotency = getattr(spec.handler, "idempotency_key", None)  # set by @idempotent
    if idempotency is not None:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": idempotency == "required",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Same key + same body within 24 h replays the first response "
                "(Idempotent-Replayed: true); a different body or a request in flight → 409",
            }
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
    documented = [spec for spec in specs if spec.include_in_schema]
    operation_ids = _operation_ids(documented)
    for spec in documented:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(
            spec, schemas, operation_ids[id(spec)]
        )
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
