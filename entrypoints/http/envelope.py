"""The one response envelope (API.md Conventions), serialised with orjson."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web
from pydantic import BaseModel

JSON = "application/json"


def dump(value: Any) -> bytes:
    """``data`` as JSON: a model by its own serialiser (by alias), anything else by orjson."""
    if isinstance(value, BaseModel):
        return value.__pydantic_serializer__.to_json(value, by_alias=True)
    return orjson.dumps(value, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def success(
    data: Any,
    *,
    status: int = 200,
    meta: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    body = b'{"success":true,"data":' + dump(data)
    if meta is not None:
        body += b',"meta":' + orjson.dumps(meta, default=_default)
    return web.Response(body=body + b"}", status=status, content_type=JSON, headers=headers)


def failure(
    code: str,
    message: str,
    *,
    status: int,
    request_id: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    body = orjson.dumps(
        {"success": False, "error": error, "requestId": request_id}, default=_default
    )
    return web.Response(body=body, status=status, content_type=JSON, headers=headers)
