"""Every list route refuses a crafted ``?cursor=`` with 400 VALIDATION_ERROR, never a 500.

A cursor is opaque to clients but arrives from them: bad base64, JSON of the wrong shape, naive or
impossible dates, numbers beyond BIGINT and ids no database can store once reached the SQL (500 on
PostgreSQL, sometimes on SQLite). The routes are collected from the app's own route table, so a
new list route is covered the day it is added. On PostgreSQL and SQLite.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from entrypoints.http.app import all_specs
from tests.e2e.access.helpers import actor, make_org, make_project, make_team


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(value: Any) -> str:
    return _b64(json.dumps(value).encode())


CRAFTED = {
    "not base64": "not base64!!",
    "base64 of non-UTF-8": _b64(b"\xff\xfe\xfd"),
    "base64 of non-JSON": _b64(b"hello"),
    "a JSON object": _cursor({"after": "x"}),
    "a list of numbers": _cursor([1, 2]),
    "one element": _cursor(["x"]),
    "three elements": _cursor(["a", "b", "c"]),
    "a naive date": _cursor(["2024-01-01T00:00:00", "0190a0b0-0000-7000-8000-000000000000"]),
    "a date-only key": _cursor(["2024-01-01", "0190a0b0-0000-7000-8000-000000000000"]),
    "an impossible date": _cursor(["2024-13-45T25:61:00Z", "0190a0b0"]),
    "a date that overflows in UTC": _cursor(["0001-01-01T00:00:00+14:00", "0190a0b0"]),
    "a date past year 9999 in UTC": _cursor(["9999-12-31T23:59:59-14:00", "0190a0b0"]),
    "a number beyond BIGINT": _cursor(["99999999999999999999999", "0190a0b0"]),
    "a junk key": _cursor(["not a key", "0190a0b0"]),
    "an empty id": _cursor(["", ""]),
    "an id with NUL": _cursor(["", "abc\u0000def"]),
    "an id with a lone surrogate": _cursor(["", "abc\ud800"]),
}


def _list_routes() -> list[str]:
    return sorted(
        spec.path
        for spec in all_specs()
        if spec.method == "GET" and spec.query is not None and "cursor" in spec.query.model_fields
    )


def test_the_list_routes_are_the_ones_this_test_knows_how_to_reach() -> None:
    unknown = {p for path in _list_routes() for p in re.findall(r"{(\w+)}", path)} - {
        "orgId",
        "teamId",
        "projectId",
        "userId",
    }
    assert not unknown, f"teach this test to build {unknown}"
    assert {"/api/v1/payments/history", "/api/v1/notifications", "/api/v1/profile/views"} <= set(
        _list_routes()
    )


async def test_a_crafted_cursor_is_a_400_on_every_list_route(app_client: Any, token: Any) -> None:
    owner = await actor(app_client, token, admin=True)  # admin lists (moderation, desk) too
    org = await make_org(owner, "cursor-org")
    team = await make_team(owner, org["id"], "cursor-team")
    project = await make_project(owner, team["id"], "cursor-project")
    ids = {
        "orgId": org["id"],
        "teamId": team["id"],
        "projectId": project["id"],
        "userId": owner.user_id,
    }
    wrong = {}
    for path in _list_routes():
        for name, cursor in CRAFTED.items():
            resp = await app_client.get(
                path.format(**ids), params={"cursor": cursor}, headers=owner.headers
            )
            body = await resp.json()
            error = body.get("error") or {}
            if resp.status != 400 or error.get("details") != [
                {"field": "cursor", "message": "invalid"}
            ]:
                wrong[(path, name)] = (resp.status, error.get("code"))
    assert wrong == {}


async def test_the_cursors_the_server_hands_out_still_page(app_client: Any, token: Any) -> None:
    owner = await actor(app_client, token)
    org = await make_org(owner, "paging-org")
    for n in range(3):
        await make_team(owner, org["id"], f"paging-team-{n}")
    seen: list[str] = []
    cursor = None
    for _ in range(4):
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        status, body = await owner.call(
            "GET",
            f"/organization/{org['id']}/audit?" + "&".join(f"{k}={v}" for k, v in params.items()),
        )
        assert status == 200, body
        seen += [entry["id"] for entry in body["data"]]
        cursor = body["meta"]["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) >= 4
