"""The two ceilings bench/http_api.py compares the app against, served by a bare aiohttp app.

``GET /json``: fixed JSON, no I/O (what aiohttp + uvloop can do on this machine).
``GET /select``: one asyncpg primary-key SELECT per request through a pool sized like the app's
(what a handler that needs exactly one database round trip can do).

Run by bench/http_api.py as ``python -m bench._ceilings --port P --dsn DSN --user-id ID`` from the
repository root.
"""

from __future__ import annotations

import argparse

import asyncpg
import orjson
import uvloop
from aiohttp import web

FIXED = orjson.dumps({"success": True, "data": {"status": "ok"}})
POOL_SIZE = 20  # DB_POOL_SIZE's default: the app gets the same number of connections


def build(dsn: str, user_id: str) -> web.Application:
    app = web.Application()
    pool_key = web.AppKey("pool", asyncpg.Pool)

    async def fixed(_request: web.Request) -> web.Response:
        return web.Response(body=FIXED, content_type="application/json")

    async def select(request: web.Request) -> web.Response:
        row = await request.app[pool_key].fetchrow(
            "SELECT id, email, first_name, last_name FROM users WHERE id = $1", user_id
        )
        return web.Response(
            body=orjson.dumps({"success": True, "data": dict(row) if row else None}),
            content_type="application/json",
        )

    async def pool(app: web.Application):  # type: ignore[no-untyped-def]
        app[pool_key] = await asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE)
        yield
        await app[pool_key].close()

    app.cleanup_ctx.append(pool)
    app.router.add_get("/json", fixed)
    app.router.add_get("/select", select)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--user-id", required=True)
    options = parser.parse_args()
    uvloop.install()
    web.run_app(
        build(options.dsn, options.user_id),
        host="127.0.0.1",
        port=options.port,
        access_log=None,
        print=None,
    )


if __name__ == "__main__":
    main()
