"""Realtime through the real app: SSE, WebSocket, tickets, isolation, replay, cap, slow readers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import ClientPayloadError, WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer


@pytest.fixture
async def rt_client(
    test_settings: Callable[..., Settings], sqlite_url: str, tmp_path: Path
) -> AsyncIterator[TestClient[Any, Any]]:
    settings = test_settings(
        database_url=sqlite_url,
        jobs_in_process=True,
        dev_email_path=tmp_path / "emails.jsonl",
        realtime_heartbeat_seconds=0.5,
        realtime_max_connections_per_user=2,
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


class Sse:
    """Reads SSE frames off a streaming response."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.buffer = b""

    async def frame(self, timeout: float = 10.0) -> dict[str, str]:
        async def read() -> dict[str, str]:
            while b"\n\n" not in self.buffer:
                chunk = await self.response.content.readany()
                if not chunk:
                    raise EOFError("stream ended")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\n\n", 1)
            fields: dict[str, str] = {}
            for line in raw.decode().split("\n"):
                name, _, value = line.partition(":")
                fields[name or "comment"] = value.strip()
            return fields

        return await asyncio.wait_for(read(), timeout)

    async def event(self, timeout: float = 10.0) -> dict[str, str]:
        """The next frame that is not a comment or the retry line."""
        while True:
            frame = await self.frame(timeout)
            if "event" in frame:
                return frame


async def user_id_of(client: TestClient[Any, Any], token: str) -> str:
    response = await client.get("/api/v1/profile", headers=bearer(token))
    body = await response.json()
    return str(body["data"].get("userId") or body["data"]["id"])


async def open_sse(client: TestClient[Any, Any], token: str, **headers: str) -> Sse:
    response = await client.get(
        "/api/v1/notifications/stream", headers={**bearer(token), **headers}
    )
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    return Sse(response)


async def publish(client: TestClient[Any, Any], user_id: str, n: int = 1) -> None:
    bus = client.server.app[_container_key()].infrastructure.realtime_bus()
    for i in range(n):
        await bus.publish(user_id, "support.ticket.updated", {"i": i}, source_id=uuid.uuid4().hex)


def _container_key() -> Any:
    from entrypoints.http.request_state import CONTAINER

    return CONTAINER


async def test_sse_opens_with_ready_and_carries_only_the_callers_events(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    alice, bob = token(), token()
    stream = await open_sse(rt_client, alice)
    first = await stream.frame()
    assert first == {"retry": "3000"}
    ready = await stream.event()
    assert ready["event"] == "ready"
    bob_stream = await open_sse(rt_client, bob)
    await bob_stream.event()
    # A real HTTP action: Alice's welcome notification exists (jobs in process); mark all read.
    for _ in range(100):
        count = await rt_client.get("/api/v1/notifications/unread-count", headers=bearer(alice))
        if (await count.json())["data"]["count"] > 0:
            break
        await asyncio.sleep(0.1)
    # ... and announced: its realtime event is a second outbox message, relayed on its own.
    bus = rt_client.server.app[_container_key()].infrastructure.realtime_bus()
    alice_id = await user_id_of(rt_client, alice)
    for _ in range(100):
        head = await bus.head(alice_id)
        if head is not None and head.seq >= 1:
            break
        await asyncio.sleep(0.1)
    response = await rt_client.post("/api/v1/notifications/mark-all-read", headers=bearer(alice))
    assert response.status == 200, await response.text()
    seen = []
    while not seen or seen[-1]["event"] != "notification.read":
        seen.append(await stream.event())
    read = orjson.loads(seen[-1]["data"])
    assert read["unreadCount"] == 0
    assert all("-" in frame["id"] for frame in seen)
    # The welcome notification may have been announced before this stream opened: replay all.
    epoch = seen[-1]["id"].rsplit("-", 1)[0]
    everything = await open_sse(rt_client, alice, **{"Last-Event-ID": f"{epoch}-0"})
    replayed = [await everything.event() for _ in range(3)]
    assert [f["event"] for f in replayed] == ["ready", "notification.created", "notification.read"]
    created = orjson.loads(replayed[1]["data"])
    assert created["notification"]["title"] and created["unreadCount"] == 1
    everything.response.close()
    # Bob hears only his own welcome notification, never Alice's events.
    bob_frames: list[dict[str, str]] = []

    async def listen() -> None:
        while True:
            bob_frames.append(await bob_stream.event())

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(listen(), 2.0)
    assert all(f["event"] == "notification.created" for f in bob_frames)
    stream.response.close()
    bob_stream.response.close()


async def test_last_event_id_replays_what_happened_while_disconnected(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    alice = token()
    user_id = await user_id_of(rt_client, alice)
    await publish(rt_client, user_id, 2)
    stream = await open_sse(rt_client, alice)
    ready = orjson.loads((await stream.event())["data"])
    stream.response.close()
    await publish(rt_client, user_id, 3)  # while the tab was closed
    resumed = await open_sse(rt_client, alice, **{"Last-Event-ID": ready["lastEventId"]})
    assert (await resumed.event())["event"] == "ready"
    replayed = [await resumed.event() for _ in range(3)]
    seqs = [int(f["id"].rsplit("-", 1)[1]) for f in replayed]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert [orjson.loads(f["data"])["i"] for f in replayed[-3:]] == [0, 1, 2]
    await publish(rt_client, user_id, 1)  # live after the replay, no gap, no duplicate
    live = await resumed.event()
    assert int(live["id"].rsplit("-", 1)[1]) == seqs[-1] + 1
    resumed.response.close()
    # An id from another epoch cannot be replayed: resync
    other = await open_sse(rt_client, alice, **{"Last-Event-ID": "deadbeef-3"})
    assert (await other.event())["event"] == "ready"
    resync = await other.event()
    assert resync["event"] == "resync"
    assert orjson.loads(resync["data"])["reason"] == "epoch"
    other.response.close()


async def test_connection_cap_is_429(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    alice = token()
    first, second = await open_sse(rt_client, alice), await open_sse(rt_client, alice)
    third = await rt_client.get("/api/v1/notifications/stream", headers=bearer(alice))
    assert third.status == 429
    first.response.close()
    second.response.close()


async def test_tickets_are_single_use_and_unknown_ones_are_401(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    alice = token()
    issued = await rt_client.post("/api/v1/realtime/ticket", headers=bearer(alice))
    assert issued.status == 201
    ticket = (await issued.json())["data"]
    assert ticket["expiresIn"] == 60
    ok = await rt_client.get(f"/api/v1/notifications/stream?ticket={ticket['ticket']}")
    assert ok.status == 200
    ok.close()
    again = await rt_client.get(f"/api/v1/notifications/stream?ticket={ticket['ticket']}")
    assert again.status == 401
    expired = await rt_client.get("/api/v1/notifications/stream?ticket=expired-or-made-up")
    assert expired.status == 401
    anonymous = await rt_client.get("/api/v1/notifications/stream")
    assert anonymous.status == 401


async def test_an_expired_ticket_is_401(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    alice = token()
    container = rt_client.server.app[_container_key()]
    user_id = await user_id_of(rt_client, alice)
    short = await container.infrastructure.realtime_tickets().issue(user_id, 0)
    response = await rt_client.get(f"/api/v1/notifications/stream?ticket={short}")
    assert response.status == 401


async def test_an_expired_token_is_cut_off_at_the_next_heartbeat(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    brief = token(ttl_seconds=2)
    stream = await open_sse(rt_client, brief)
    with pytest.raises((EOFError, ClientPayloadError)):
        for _ in range(40):
            await stream.frame(timeout=5)


async def test_websocket_ticket_resume_and_events(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    alice = token()
    user_id = await user_id_of(rt_client, alice)
    await publish(rt_client, user_id, 2)
    ticket = (
        await (await rt_client.post("/api/v1/realtime/ticket", headers=bearer(alice))).json()
    )["data"]["ticket"]
    ws = await rt_client.ws_connect(f"/api/v1/notifications/ws?ticket={ticket}")
    ready = orjson.loads((await ws.receive(timeout=5)).data)
    assert ready["type"] == "ready"
    await publish(rt_client, user_id, 1)
    event = orjson.loads((await ws.receive(timeout=5)).data)
    assert event["type"] == "support.ticket.updated"
    epoch, _seq = event["id"].rsplit("-", 1)
    await ws.send_str(orjson.dumps({"type": "resume", "lastEventId": f"{epoch}-1"}).decode())
    frames = [orjson.loads((await ws.receive(timeout=5)).data) for _ in range(3)]
    assert frames[0]["type"] == "ready"
    assert [f["id"] for f in frames[1:]] == [f"{epoch}-2", f"{epoch}-3"]
    await ws.close()
    # first-message auth with a bad token: 4401
    bad = await rt_client.ws_connect("/api/v1/notifications/ws")
    await bad.send_str(orjson.dumps({"type": "auth", "token": "nope"}).decode())
    closed = await bad.receive(timeout=5)
    assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED)
    assert bad.close_code == 4401


async def test_a_slow_consumer_is_dropped(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    alice = token()
    user_id = await user_id_of(rt_client, alice)
    stream = await open_sse(rt_client, alice)  # never read from again
    big = {"blob": "x" * 60_000}
    bus = rt_client.server.app[_container_key()].infrastructure.realtime_bus()
    for _ in range(400):
        await bus.publish(user_id, "support.ticket.updated", big, source_id=uuid.uuid4().hex)
        await asyncio.sleep(0)
    slots = rt_client.server.app[_container_key()].realtime.connection_slots()
    for _ in range(100):
        if slots.total() == 0:
            break
        await asyncio.sleep(0.05)
    assert slots.total() == 0  # the connection was dropped, its slot released
    stream.response.close()


async def test_a_deleted_users_connections_are_cut_off_at_the_next_heartbeat(
    rt_client: TestClient[Any, Any], token: Callable[..., str]
) -> None:
    """One re-check of all connected users per heartbeat finds the deletion; both the token and
    the ticket connection of that user end, another user's stays open."""
    alice, bob = token(), token()
    alice_id = await user_id_of(rt_client, alice)
    by_token = await open_sse(rt_client, alice)
    issued = await rt_client.post("/api/v1/realtime/ticket", headers=bearer(alice))
    ticket = (await issued.json())["data"]["ticket"]
    by_ticket = Sse(await rt_client.get(f"/api/v1/notifications/stream?ticket={ticket}"))
    bobs = await open_sse(rt_client, bob)
    for stream in (by_token, by_ticket, bobs):
        assert (await stream.event())["event"] == "ready"

    container = rt_client.server.app[_container_key()]
    async with container.infrastructure.uow()() as uow:
        user = await uow.users.get(alice_id)
        await uow.users.save(user.soft_delete(user.updated_at))
        await uow.commit()
    for stream in (by_token, by_ticket):
        with pytest.raises((EOFError, ClientPayloadError)):
            for _ in range(40):
                await stream.frame(timeout=5)
    assert "comment" in await bobs.frame(timeout=5)  # still pinged
