"""The SSE frames of ``POST /ai/stream``: a chunk's fast frame is the generic frame, byte for
byte (the original's ``data: {json}`` shape)."""

from __future__ import annotations

import orjson
import pytest

from application.assistant.events import Chunk, Completed, Connected
from domain.assistant.cost import Usage
from entrypoints.http.routes.assistant import _sse, frame


@pytest.mark.parametrize("text", ["Hello ", "", 'quote " back\\slash', "line\nbreak", "é 漢 🎉"])
def test_a_chunk_frame_is_the_generic_frame(text):
    chunk = Chunk(text)
    assert _sse(chunk) == b"data: " + orjson.dumps(frame(chunk)) + b"\n\n"
    assert orjson.loads(_sse(chunk)[len(b"data: ") : -2]) == {"type": "chunk", "content": text}


def test_other_frames_keep_their_shape():
    assert orjson.loads(_sse(Connected("c", "m"))[6:]) == {
        "type": "connected",
        "conversationId": "c",
        "messageId": "m",
    }
    done = orjson.loads(_sse(Completed(Usage(1, 2, 3), 0))[6:])
    assert done["type"] == "complete" and done["usage"]["totalTokens"] == 3
