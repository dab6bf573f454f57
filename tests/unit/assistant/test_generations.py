"""A generation's events: in order, what is already queued handed over at once (one write for a
writer that fell behind), nothing after the terminal event; closing early cancels the task."""

from __future__ import annotations

import asyncio

from application.assistant.events import Chunk, Completed, Connected
from application.assistant.generations import Emit, Generations
from domain.assistant.cost import Usage


async def test_ready_hands_over_what_is_queued_up_to_the_terminal_event() -> None:
    async def run(emit: Emit) -> None:
        emit(Connected("c", "m"))
        for n in range(5):
            emit(Chunk(str(n)))
        emit(Completed(Usage(), 0))
        emit(Chunk("after the end"))  # never delivered

    events = Generations().start("c", run)
    first = await events.__anext__()
    await asyncio.sleep(0)  # the task ran to its end
    rest = events.ready()
    assert first == Connected("c", "m")
    assert [type(e).__name__ for e in rest] == ["Chunk"] * 5 + ["Completed"]
    assert events.ready() == []
    assert [e async for e in events] == []


async def test_closing_before_the_end_cancels_the_generation() -> None:
    cancelled = asyncio.Event()

    async def run(emit: Emit) -> None:
        emit(Chunk("a"))
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    generations = Generations()
    events = generations.start("c", run)
    assert await events.__anext__() == Chunk("a")
    await events.aclose()
    await asyncio.wait_for(cancelled.wait(), 5)
    await generations.drain()
    assert not generations.is_running("c")
