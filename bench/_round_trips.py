"""Counting a service's round trips to PostgreSQL and Redis: a TCP proxy in front of each.

A round trip is counted each time a client connection starts sending after the server last spoke
(or for the first time): a request/response protocol waits for an answer between two such turns,
so messages written back to back (a pipeline, a ``BEGIN`` sent with the statement after it) count
once. Server pushes (pub/sub messages) count nothing. Each turn is stamped with
``time.perf_counter()`` of this process, so a client in the same process can split them at the
moment its response arrived (e.g. "before the first chunk"). Machine-independent, unlike latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass, field


@dataclass
class RoundTrips:
    """Turns seen by one proxy: their times, in order."""

    times: list[float] = field(default_factory=list)
    starts: list[bytes] = field(default_factory=list)  # each turn's first bytes (debugging)

    def between(self, start: float, end: float) -> int:
        return sum(start <= t < end for t in self.times)


class CountingProxy:
    """``127.0.0.1:port`` → ``upstream``; ``round_trips`` grows as clients talk."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self.round_trips = RoundTrips()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(*self._upstream)
        spoke = {"last": "server"}

        async def pump(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, side: str
        ) -> None:
            try:
                while data := await reader.read(65536):
                    if side == "client" and spoke["last"] != "client":
                        self.round_trips.times.append(time.perf_counter())
                        self.round_trips.starts.append(data[:120])
                    spoke["last"] = side
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    writer.close()

        tasks = [
            asyncio.create_task(pump(client_r, server_w, "client")),
            asyncio.create_task(pump(server_r, client_w, "server")),
        ]
        self._tasks.update(tasks)
        for task in tasks:
            task.add_done_callback(self._tasks.discard)


class ProxiesThread:
    """Proxies served by their own event loop in a thread, so that a blocking caller (a server
    started and awaited synchronously) never stalls them: ``with ProxiesThread(...) as proxies``."""

    def __init__(self, *upstreams: tuple[str, int]) -> None:
        self._upstreams = upstreams
        self.proxies: list[CountingProxy] = []
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ProxiesThread:
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        for host, port in self._upstreams:
            proxy = CountingProxy(host, port)
            asyncio.run_coroutine_threadsafe(proxy.start(), self._loop).result(10)
            self.proxies.append(proxy)
        return self

    def __exit__(self, *_exc: object) -> None:
        for proxy in self.proxies:
            asyncio.run_coroutine_threadsafe(proxy.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop.close()
