"""Keys under which the app and each request carry shared state."""

from __future__ import annotations

from typing import Any

from aiohttp import web

CONTAINER: web.AppKey[Any] = web.AppKey("container", object)
MAX_BODY: web.AppKey[int] = web.AppKey("max_body", int)
REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id", str)
CLIENT_IP: web.RequestKey[str | None] = web.RequestKey("client_ip", object)  # type: ignore[arg-type]
USER_ID: web.RequestKey[str] = web.RequestKey("user_id", str)


def request_id_of(request: web.Request) -> str:
    request_id: str = request.get(REQUEST_ID, "-")
    return request_id
