"""Generations running in this process, one per conversation: started as tasks, stopped by
cancelling them (cancelling the task, not merely ceasing to read, is what closes the model's
upstream stream)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

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

    def start(
        self, conversation_id: str, run: Callable[[Emit], Awaitable[None]]
    ) -> AsyncIterator[TurnEvent]:
        """Run ``run(emit)`` as the conversation's task; iterate its events until the terminal one.

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
        return self._events(queue, task)

    async def _events(
        self, queue: asyncio.Queue[object], task: asyncio.Task[None]
    ) -> AsyncIterator[TurnEvent]:
        done = False
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    done = True
                    return
                yield item  # type: ignore[misc]
                if isinstance(item, TERMINAL):
                    done = True
                    return
        finally:
            if not done and not task.done():
                task.cancel()

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
