"""``/``: a small HTML index for a person who opens the address ``make run`` prints."""

from __future__ import annotations

from aiohttp import web

from adapters.razorpay.sandbox import SandboxGateway
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery

routes = ApiRoutes(tag="system")

_LINKS = (
    ("/api-docs", "API documentation", "Swagger UI over the OpenAPI document"),
    ("/openapi.json", "OpenAPI 3.1 document", "the machine-readable contract"),
    ("/healthz", "Health", "database, Redis and job broker checks"),
)
_CHECKOUT = ("/dev/checkout", "Sandbox checkout", "the plan picker: buy credits, no money moves")


@routes.get("/", auth=Auth.NONE, raw=True, include_in_schema=False)
async def index(call: Call[NoBody, NoQuery], sandbox: SandboxGateway | None) -> web.Response:
    links = list(_LINKS)
    if sandbox is not None:  # /dev/checkout exists (sandbox gateway, outside production)
        links.insert(1, _CHECKOUT)
    items = "".join(
        f'<li><a href="{href}">{title}</a> — {note}</li>' for href, title, note in links
    )
    document = f"""<!doctype html><html><head><meta charset="utf-8"><title>FairArena API</title>
<style>body{{font-family:system-ui;max-width:40rem;margin:2rem auto}}</style></head><body>
<h1>FairArena API</h1><p>The JSON API lives under <code>/api/v1</code>.</p>
<ul>{items}</ul></body></html>"""
    return web.Response(text=document, content_type="text/html")
