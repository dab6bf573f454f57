"""A connection's writer re-checks its user every heartbeat: an answer of "no" ends it; a check
that cannot be answered (an outage) keeps it and is asked again at the next heartbeat."""

from __future__ import annotations

import asyncio

from adapters.realtime.memory import InProcessRealtimeBus
from application.realtime.stream import OpenStream
from application.transient import StorageUnavailable
from entrypoints.http.routes.realtime import _pump


async def test_an_outage_during_the_recheck_keeps_the_connection_until_a_real_no() -> None:
    stream = await OpenStream(InProcessRealtimeBus())("alice", None)
    answers = iter([StorageUnavailable("db away"), StorageUnavailable("db away"), True, False])
    checks = pings = 0

    async def check() -> bool:
        nonlocal checks
        checks += 1
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def ping() -> None:
        nonlocal pings
        pings += 1

    async def send(frame: object) -> None:
        return None

    why = await asyncio.wait_for(_pump(stream, send, ping, check, heartbeat=0.01), 5)
    assert (why, checks) == ("unauthorized", 4)
    assert pings >= 3
    await stream.close()
