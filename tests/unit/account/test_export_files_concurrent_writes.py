"""Two runs of one export job writing at once (a redelivery while the first run still writes):
both writes complete and one whole document is left, with no temporary file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

from adapters.files.export_files import WRITE_BUFFER_CHARS, FileExportStore

EXPORT_ID = "01a23621-b161-7377-aea4-a972ad6ecea8"


async def document(run: int, started: asyncio.Barrier) -> AsyncIterator[str]:
    yield f'{{"run": {run}, "rows": ['
    await started.wait()  # both runs have their temporary file open before either finishes
    yield ",".join(['"x"'] * WRITE_BUFFER_CHARS)  # past one buffer: written in several flushes
    yield "]}"


async def test_concurrent_writes_of_one_export_both_complete(tmp_path: Path) -> None:
    store = FileExportStore(tmp_path)
    started = asyncio.Barrier(2)
    sizes = await asyncio.gather(
        store.write(EXPORT_ID, document(1, started)), store.write(EXPORT_ID, document(2, started))
    )
    assert sizes[0] == sizes[1] > WRITE_BUFFER_CHARS
    assert [p.name for p in tmp_path.iterdir()] == [f"{EXPORT_ID}.json"]
    written = json.loads(b"".join([c async for c in store.read(EXPORT_ID)]))
    assert written["run"] in (1, 2)
    assert len(written["rows"]) == WRITE_BUFFER_CHARS
