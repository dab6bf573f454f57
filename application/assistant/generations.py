"""Generations running in this process, one per conversation: started as tasks, stopped by
cancelling them (cancelling the task, not merely ceasing to read, is what closes the model's
upstream stream)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from application.assistant.events import TERMINAL, TurnEvent
from domain.assistant.errors import GenerationInProgress

Emit = Callable[[TurnEvent], None]
_END = object()


class Generations:
    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[None]] = set()

    def is_running(self, conversation_id: str) -> bool:
        return conversation_id in self._running

    def reserve(self, conversation_id: str) -> None:
        if conversation_id in self._running:
            raise GenerationInProgress()

    def start(self, conversation_id: str, run: Callable[[Emit], Awaitable[None]]) -> TurnEvents:
        """Run ``run(emit)`` as the conversation's task; its events until the terminal one.

        Leaving the iteration early (the client went away) cancels the task, as a stop does.
        """
        self.reserve(conversation_id)
        queue: asyncio.Queue[object] = asyncio.Queue()

        async def body() -> None:
            try:
                await run(queue.put_nowait)
            finally:
                self._running.pop(conversation_id, None)
                queue.put_nowait(_END)

        task = asyncio.get_running_loop().create_task(body(), name=f"ai:{conversation_id}")
        self._running[conversation_id] = task
        return TurnEvents(queue, task)

    def cancel(self, conversation_id: str) -> bool:
        task = self._running.get(conversation_id)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def in_background(self, work: Awaitable[None]) -> None:
        """Work that outlives the reply (the title); kept referenced until it ends."""

        async def wrapped() -> None:
            await work

        task = asyncio.get_running_loop().create_task(wrapped())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for everything still running (tests, shutdown)."""
        pending = [*self._running.values(), *self._background]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


class TurnEvents:
    """A generation's events, in order, up to the terminal one (an async iterator).

    ``ready()`` also hands over, without waiting, the events already produced — a writer that fell
    behind sends them in one write instead of one per event. ``aclose()`` before the end cancels
    the generation.
    """

    def __init__(self, queue: asyncio.Queue[object], task: asyncio.Task[None]) -> None:
        self._queue = queue
        self._task = task
        self._done = False

    def __aiter__(self) -> TurnEvents:
        return self

    async def __anext__(self) -> TurnEvent:
        if self._done:
            raise StopAsyncIteration
        return self._accept(await self._queue.get())

    def ready(self) -> list[TurnEvent]:
        events: list[TurnEvent] = []
        while not self._done and not self._queue.empty():
            try:
                events.append(self._accept(self._queue.get_nowait()))
            except StopAsyncIteration:
                break
        return events

    def _accept(self, item: object) -> TurnEvent:
        if item is _END:
            self._done = True
            raise StopAsyncIteration
        if isinstance(item, TERMINAL):
            self._done = True
        return item  # type: ignore[return-value]

    async def aclose(self) -> None:
        if not self._done and not self._task.done():
            self._task.cancel()
        self._done = True
