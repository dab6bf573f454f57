"""System routes: health, metrics, the OpenAPI document and Swagger UI."""

from __future__ import annotations

import asyncio
import hmac

import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from entrypoints.config import Settings
from entrypoints.health import Gauges, HealthChecks, Probe
from entrypoints.http.errors import ApiError
from entrypoints.http.request_state import request_id_of
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery
from entrypoints.observability import REGISTRY

routes = ApiRoutes(tag="system")
HEALTH_TIMEOUT_SECONDS = 2.0
OPENAPI: web.AppKey[bytes] = web.AppKey("openapi", bytes)


class HealthOut(BaseModel):
    status: str
    checks: dict[str, str]


@routes.get(
    "/healthz",
    auth=Auth.NONE,
    response=HealthOut,
    raw=True,
    responses={503: "A dependency is down (named in checks)"},
    summary="Liveness and dependencies: database, Redis, job broker",
)
async def healthz(call: Call[NoBody, NoQuery], probes: HealthChecks) -> web.Response:
    # Concurrently: a slow dependency costs one timeout, not one per check.
    outcomes = await asyncio.gather(*(_check(probe) for probe in probes.values()))
    checks = dict(zip(probes, outcomes, strict=True))
    healthy = all(outcome in ("ok", "disabled") for outcome in outcomes)
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if healthy:
        return web.Response(
            body=orjson.dumps({"success": True, "data": body}), content_type="application/json"
        )
    return web.Response(
        body=orjson.dumps(
            {
                "success": False,
                "error": {
                    "code": "SERVICE_UNAVAILABLE",
                    "message": "A dependency is unavailable",
                    "details": body,
                },
                "requestId": request_id_of(call.request),
            }
        ),
        status=503,
        content_type="application/json",
    )


async def _check(probe: Probe) -> str:
    if probe is None:
        return "disabled"
    try:
        await asyncio.wait_for(probe(), HEALTH_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the point is to report any failure
        return f"error: {type(exc).__name__}"
    return "ok"


@routes.get("/metrics", auth=Auth.NONE, raw=True, include_in_schema=False)
async def metrics(call: Call[NoBody, NoQuery], gauges: Gauges, settings: Settings) -> web.Response:
    token = settings.metrics_token
    if token:
        given = call.header("Authorization") or ""
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise ApiError("AUTH_REQUIRED", "Metrics need 'Authorization: Bearer METRICS_TOKEN'")
    await gauges.refresh()
    return web.Response(
        body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


@routes.get("/openapi.json", auth=Auth.NONE, raw=True, include_in_schema=False)
async def openapi(call: Call[NoBody, NoQuery]) -> web.Response:
    return web.Response(body=call.request.app[OPENAPI], content_type="application/json")
