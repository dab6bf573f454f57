"""The stop signal of a single process: a stop reaches only this process's generations."""

from __future__ import annotations

from collections.abc import Callable


class LocalStopSignal:
    async def request_stop(self, conversation_id: str) -> bool:
        return False  # this process already looked (Generations.cancel)

    def on_stop(self, cancel: Callable[[str], bool]) -> None:
        return None
