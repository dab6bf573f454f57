"""The end of a process's background pub/sub listener: cancelled, then awaited until it ended."""

from __future__ import annotations

import asyncio
import contextlib


async def stop_listener(task: asyncio.Task[None] | None) -> None:
    """Cancel ``task`` (None: never started) and wait until it has ended."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
