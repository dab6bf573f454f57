"""The objects built at start-up leave the garbage collector's passes (issue 13): after the
start-up hook they sit in the permanent generation, and garbage made later is still collected."""

from __future__ import annotations

import gc
import weakref

from aiohttp import web

from entrypoints.http.heap import freeze_startup_heap


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


async def test_the_startup_heap_is_frozen_and_later_cycles_are_still_collected() -> None:
    kept = Node()
    threshold = gc.get_threshold()
    try:
        await freeze_startup_heap(10_000)(web.Application())
        assert gc.get_freeze_count() > 0
        assert all(o is not kept for o in gc.get_objects())  # frozen: no longer tracked by a pass
        later = Node()
        gone = weakref.ref(later)
        del later
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


async def test_young_objects_are_collected_past_the_configured_threshold_only() -> None:
    threshold = gc.get_threshold()
    try:
        await freeze_startup_heap(5_000)(web.Application())
        assert gc.get_threshold() == (5_000, threshold[1], threshold[2])
        gc.collect()
        passes = gc.get_stats()[0]["collections"]
        cycles = [Node() for _ in range(3_000)]  # under the threshold: no pass
        assert gc.get_stats()[0]["collections"] == passes
        cycles += [Node() for _ in range(3_000)]  # past it: the young generation is collected
        assert gc.get_stats()[0]["collections"] > passes
        del cycles
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
