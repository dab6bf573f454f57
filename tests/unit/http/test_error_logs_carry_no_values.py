"""A response model refusing our own data is logged by field and reason, never with the value it
refused (which is user data: an e-mail, a phone number...)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import BaseModel
from structlog.testing import capture_logs

from entrypoints.http.client_address import TrustedProxies
from entrypoints.http.middleware import observe


class Out(BaseModel):
    count: int


async def test_response_validation_errors_are_logged_without_the_refused_value():
    async def handler(request: web.Request) -> web.Response:
        Out.model_validate({"count": "alice@example.com"})
        raise AssertionError("unreachable")

    app = web.Application(middlewares=[observe(TrustedProxies())])
    app.router.add_get("/broken", handler)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        with capture_logs() as logs:
            resp = await client.get("/broken")
            body = await resp.json()
    finally:
        await client.close()
    assert resp.status == 500 and body["error"]["code"] == "INTERNAL_ERROR"
    [entry] = [e for e in logs if e["event"] == "http.response_invalid"]
    assert "alice@example.com" not in repr(logs)
    assert entry["errors"] == [
        {
            "field": "count",
            "message": "Input should be a valid integer, unable to parse string as an integer",
        }
    ]
