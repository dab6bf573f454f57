"""``ExportFiles`` on the local file system: one file per export under a directory.

Written to ``<id>.partial`` and renamed when complete, so a half-written document (a crash, a
failed source) is never served. The writer holds an exclusive ``flock`` on the partial file
until it is renamed (ADR 0097): a second run of the same export (the broker and the relay both
delivering a job whose worker died) waits for the first instead of writing into its file or
renaming it away under it, then writes the document again. A writer that was killed releases
its lock with its process; the next run takes the same file over, so nothing is left behind.
Reads stream in chunks. Writes and reads run in a thread: a large export never blocks the event
loop.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
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
        partial = final.with_suffix(".partial")
        await asyncio.to_thread(self._dir.mkdir, parents=True, exist_ok=True)
        handle = await asyncio.to_thread(_open_locked, partial)
        size, buffer = 0, []
        try:
            async for chunk in chunks:
                buffer.append(chunk)
                if sum(map(len, buffer)) >= WRITE_BUFFER_CHARS:
                    size += await self._flush(handle, buffer)
            size += await self._flush(handle, buffer)
            await asyncio.to_thread(os.replace, partial, final)  # still locked: see _open_locked
        except BaseException:
            await asyncio.to_thread(partial.unlink, missing_ok=True)
            raise
        finally:
            await asyncio.to_thread(handle.close)  # releases the lock
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


def _open_locked(partial: Path) -> IO[bytes]:
    """``partial`` opened for writing, emptied, under this process's exclusive lock.

    Opened without truncating (another writer may hold it), then locked (waiting for that
    writer); if meanwhile it was renamed to the final name or removed, the lock is on a file that
    is no longer ``partial``: open it again.
    """
    while True:
        handle = partial.open("ab")
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            current = partial.stat().st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            current = False
        if current:
            handle.truncate(0)  # what a killed writer left
            return handle
        handle.close()
