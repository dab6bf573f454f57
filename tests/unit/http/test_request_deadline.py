"""The request deadline (REQUEST_TIMEOUT_SECONDS, ADR 0091) kept by one timer for every request
(ADR 0067): an overdue handler is cancelled and answered 503 with Retry-After; anyone else's
cancellation and the handler's own timeouts pass through; a lifted deadline (a stream) never
fires; requests on time are never touched."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from entrypoints.http.errors import ApiError
from entrypoints.http.middleware import (
    REQUEST_DEADLINE,
    TIMEOUT_RETRY_AFTER_SECONDS,
    lift_deadline_for_streams,
    request_timeout,
)

SECONDS = 0.05
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def request() -> web.Request:
    return make_mocked_request("GET", "/api/v1/profile")


async def forever(_: web.Request) -> web.StreamResponse:
    await asyncio.Event().wait()
    raise AssertionError("never set")


async def test_an_overdue_request_is_answered_503_with_retry_after() -> None:
    middleware = request_timeout(SECONDS)
    with pytest.raises(ApiError) as refused:
        await middleware(request(), forever)
    assert refused.value.code == "SERVICE_UNAVAILABLE"
    assert refused.value.headers == {"Retry-After": str(TIMEOUT_RETRY_AFTER_SECONDS)}
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0  # the cancellation was taken back


async def test_requests_on_time_are_untouched_and_leave_nothing_behind() -> None:
    middleware = request_timeout(SECONDS)
    seen: list[object] = []

    async def quick(req: web.Request) -> web.StreamResponse:
        seen.append(req[REQUEST_DEADLINE])
        await asyncio.sleep(0)
        return web.Response(text="ok")

    for _ in range(3):
        req = request()
        assert (await middleware(req, quick)).status == 200
        assert REQUEST_DEADLINE not in req
    await asyncio.sleep(SECONDS * 3)  # the timer fires, finds nothing due, stays disarmed
    assert all(not d.expired() for d in seen)  # type: ignore[attr-defined]
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_only_the_overdue_of_concurrent_requests_are_cancelled() -> None:
    middleware = request_timeout(SECONDS)
    release = asyncio.Event()

    async def waits(_: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.Response(text="late but released")

    stuck = asyncio.create_task(middleware(request(), forever))
    await asyncio.sleep(SECONDS / 2)
    younger = asyncio.create_task(middleware(request(), waits))
    with pytest.raises(ApiError):
        await stuck
    assert not younger.done()  # its own deadline is later
    release.set()
    assert (await younger).status == 200


async def test_the_handlers_own_timeout_is_not_the_requests() -> None:
    middleware = request_timeout(10.0)

    async def own_timeout(_: web.Request) -> web.StreamResponse:
        async with asyncio.timeout(0.01):
            await asyncio.Event().wait()
        raise AssertionError("timed out above")

    with pytest.raises(TimeoutError):
        await middleware(request(), own_timeout)


async def test_someone_elses_cancellation_stays_a_cancellation() -> None:
    middleware = request_timeout(10.0)
    call = asyncio.create_task(middleware(request(), forever))
    await asyncio.sleep(0.01)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call


async def test_a_lifted_deadline_never_fires() -> None:
    """A stream prepared inside its handler lives by its own limits (on_response_prepare)."""
    middleware = request_timeout(SECONDS)

    async def stream(req: web.Request) -> web.StreamResponse:
        await lift_deadline_for_streams(req, web.StreamResponse())
        await asyncio.sleep(SECONDS * 3)
        return web.Response(text="streamed")

    assert (await middleware(request(), stream)).status == 200


async def test_only_lifting_is_allowed() -> None:
    middleware = request_timeout(10.0)

    async def moves(req: web.Request) -> web.StreamResponse:
        req[REQUEST_DEADLINE].reschedule(1.0)
        raise AssertionError("refused above")

    with pytest.raises(ValueError, match="lifted"):
        await middleware(request(), moves)


async def test_zero_seconds_means_no_deadline() -> None:
    middleware = request_timeout(0)

    async def no_deadline(req: web.Request) -> web.StreamResponse:
        assert REQUEST_DEADLINE not in req
        return web.Response(text="ok")

    assert (await middleware(request(), no_deadline)).status == 200
