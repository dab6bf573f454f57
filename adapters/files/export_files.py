"""``ExportFiles`` on the local file system: one file per export under a directory.

Written to a temporary name and renamed when complete, so a half-written document (a crash, a
failed source) is never served. The temporary name is unique per write: a job redelivered while
its first run still writes (a worker killed mid-job, the broker and the relay both delivering it)
writes its own file instead of renaming the other's away under it. Reads stream in chunks.
Writes and reads run in a thread: a large export never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

READ_CHUNK_BYTES = 64 * 1024
WRITE_BUFFER_CHARS = 64 * 1024
_SAFE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


class FileExportStore:
    def __init__(self, directory: Path) -> None:
        self._dir = directory

    def _path(self, export_id: str) -> Path:
        if not _SAFE_ID.fullmatch(export_id):
            raise ValueError("not an export id")
        return self._dir / f"{export_id}.json"

    async def write(self, export_id: str, chunks: AsyncIterator[str]) -> int:
        final = self._path(export_id)
        partial = final.with_name(f"{final.stem}.{uuid.uuid4().hex}.partial")
        await asyncio.to_thread(self._dir.mkdir, parents=True, exist_ok=True)
        handle: IO[bytes] = await asyncio.to_thread(partial.open, "wb")
        size, buffer = 0, []
        try:
            async for chunk in chunks:
                buffer.append(chunk)
                if sum(map(len, buffer)) >= WRITE_BUFFER_CHARS:
                    size += await self._flush(handle, buffer)
            size += await self._flush(handle, buffer)
        except BaseException:
            await asyncio.to_thread(handle.close)
            await asyncio.to_thread(partial.unlink, missing_ok=True)
            raise
        await asyncio.to_thread(handle.close)
        await asyncio.to_thread(os.replace, partial, final)
        return size

    @staticmethod
    async def _flush(handle: IO[bytes], buffer: list[str]) -> int:
        data = "".join(buffer).encode()
        buffer.clear()
        await asyncio.to_thread(handle.write, data)
        return len(data)

    async def read(self, export_id: str) -> AsyncIterator[bytes]:
        handle: IO[bytes] = await asyncio.to_thread(self._path(export_id).open, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, READ_CHUNK_BYTES):
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    async def exists(self, export_id: str) -> bool:
        return await asyncio.to_thread(self._path(export_id).exists)

    async def delete(self, export_id: str) -> bool:
        path = self._path(export_id)
        existed = await asyncio.to_thread(path.exists)
        await asyncio.to_thread(path.unlink, missing_ok=True)
        return existed
