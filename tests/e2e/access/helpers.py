"""A small HTTP client for the RBAC routes: one signed-in user per ``Actor``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import bearer


@dataclass
class Actor:
    client: Any
    token: str
    user_id: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)

    async def call(
        self, method: str, path: str, json: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        resp = await self.client.request(
            method, f"/api/v1{path}", json=json, headers={**self.headers, **(headers or {})}
        )
        return resp.status, await resp.json()

    async def ok(self, method: str, path: str, json: Any = None, status: int = 200) -> Any:
        got, body = await self.call(method, path, json)
        assert got == status, (method, path, got, body)
        return body["data"]


async def actor(client: Any, token: Any, name: str | None = None, admin: bool = False) -> Actor:
    a = Actor(client, token(name=name, admin=admin))
    a.user_id = (await a.ok("GET", "/profile"))["userId"]
    return a


async def make_org(owner: Actor, slug: str, **extra: Any) -> dict[str, Any]:
    body = {"name": f"Org {slug}", "slug": slug, **extra}
    data: dict[str, Any] = await owner.ok("POST", "/organization", body, status=201)
    return data


async def make_team(
    owner: Actor, org_id: str, slug: str, visibility: str = "INTERNAL"
) -> dict[str, Any]:
    body = {
        "organizationId": org_id,
        "name": f"Team {slug}",
        "slug": slug,
        "visibility": visibility,
    }
    data: dict[str, Any] = await owner.ok("POST", "/team", body, status=201)
    return data


async def make_project(
    owner: Actor, team_id: str, slug: str, visibility: str = "INTERNAL"
) -> dict[str, Any]:
    body = {"teamId": team_id, "name": f"Project {slug}", "slug": slug, "visibility": visibility}
    data: dict[str, Any] = await owner.ok("POST", "/project", body, status=201)
    return data


async def join(member: Actor, org_id: str) -> None:
    await member.ok("POST", f"/organization/{org_id}/join", status=201)


async def actors(client: Any, token: Any, n: int) -> list[Actor]:
    return [await actor(client, token) for _ in range(n)]
