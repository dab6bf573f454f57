"""Export files written twice for one export (a job delivered again while its first run still
writes, or after a run killed mid-write; ADR 0097): each write completes, one whole document is
left and no temporary file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.files.export_files import WRITE_BUFFER_CHARS, FileExportStore

EXPORT_ID = "01a23621-b161-7377-aea4-a972ad6ecea8"


async def document(run: int, started: asyncio.Event, go_on: asyncio.Event) -> AsyncIterator[str]:
    yield f'{{"run": {run}, "rows": ['
    started.set()
    await go_on.wait()
    yield ",".join(['"x"'] * WRITE_BUFFER_CHARS)  # past one buffer: written in several flushes
    yield "]}"


async def read_back(store: FileExportStore) -> dict[str, object]:
    return dict(json.loads(b"".join([c async for c in store.read(EXPORT_ID)])))


async def test_a_second_write_while_the_first_writes_waits_and_both_complete(
    tmp_path: Path,
) -> None:
    store = FileExportStore(tmp_path)
    first_started, second_started, go_on = asyncio.Event(), asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(store.write(EXPORT_ID, document(1, first_started, go_on)))
    await first_started.wait()  # the first is writing its partial file...
    second = asyncio.create_task(store.write(EXPORT_ID, document(2, second_started, go_on)))
    await asyncio.sleep(0.2)
    assert not second_started.is_set()  # ...and the second waits for it
    go_on.set()
    sizes = await asyncio.gather(first, second)
    assert sizes[0] == sizes[1] > WRITE_BUFFER_CHARS
    assert [p.name for p in tmp_path.iterdir()] == [f"{EXPORT_ID}.json"]
    written = await read_back(store)
    assert written["run"] == 2 and len(written["rows"]) == WRITE_BUFFER_CHARS  # type: ignore[arg-type]


async def test_what_a_killed_writer_left_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / f"{EXPORT_ID}.partial").write_text('{"run": 0, "rows": ["half-writ')  # no lock
    store = FileExportStore(tmp_path)
    go_on = asyncio.Event()
    go_on.set()
    await store.write(EXPORT_ID, document(1, asyncio.Event(), go_on))
    assert [p.name for p in tmp_path.iterdir()] == [f"{EXPORT_ID}.json"]
    assert (await read_back(store))["run"] == 1


async def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    async def failing() -> AsyncIterator[str]:
        yield "{"
        raise RuntimeError("the source failed")

    store = FileExportStore(tmp_path)
    with pytest.raises(RuntimeError):
        await store.write(EXPORT_ID, failing())
    assert list(tmp_path.iterdir()) == []
